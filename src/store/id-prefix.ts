/**
 * The one lookup of a record by its full id or a unique prefix of it — the store's runs, studies and campaigns
 * and the server's jobs in memory: an id that is also the prefix of a longer one is that id; a prefix of one id
 * is that id; of several, ambiguous (the error names the first PREFIX_MATCHES_SHOWN in id order); of none,
 * not found. Where the ids come from (a query, a list in memory) is the caller's; the rule and the messages
 * are here.
 */
import { PREFIX_MATCHES_SHOWN, StoreError, matchesText, prefixMatches } from './errors.ts';

/** a kind of record found by id or prefix: the words of its messages and how its ids are cased */
export interface IdKind {
  readonly what: 'run' | 'study' | 'campaign';
  readonly plural: string;
  /** the command that lists them (the message's hint) */
  readonly list: string;
  /** the case its ids are made in: a typed id also matches in that case ('as typed': only as typed) */
  readonly case: 'upper' | 'lower' | 'as typed';
}

/** run ids are upper case (store/ids.ts); `r-01j…` finds `R-01J…` */
export const RUN_IDS: IdKind = { what: 'run', plural: 'runs', list: 'rollcell runs list', case: 'upper' };
/** study ids are matched as typed */
export const STUDY_IDS: IdKind = { what: 'study', plural: 'studies', list: 'rollcell studies list', case: 'as typed' };
/** campaign ids are lower case (`c` + hex) */
export const CAMPAIGN_IDS: IdKind = {
  what: 'campaign',
  plural: 'campaigns',
  list: 'rollcell runs campaigns',
  case: 'lower',
};

/** the spellings of a typed id that name the same record: as typed, and in the kind's case */
export function idForms(kind: IdKind, q: string): string[] {
  const cased = kind.case === 'upper' ? q.toUpperCase() : kind.case === 'lower' ? q.toLowerCase() : q;
  return cased === q ? [q] : [q, cased];
}

/** what a typed id names among the ids a caller found */
export type IdPrefixMatch =
  | { readonly found: 'none' }
  /** `exact`: the id is one of the forms (a prefix of longer ids too, perhaps); else the only id with the prefix */
  | { readonly found: 'one'; readonly id: string; readonly exact: boolean }
  /** the ids with the prefix, in id order */
  | { readonly found: 'several'; readonly ids: readonly string[] };

/**
 * The match of `forms` (idForms) among `ids`: any ids, of which those equal to or starting with one of the forms
 * count. A caller that fetches only some of them (a query's first PREFIX_MATCHES_SHOWN + 1 in id order) must
 * fetch an exact id among them.
 */
export function matchIdPrefix(forms: readonly string[], ids: Iterable<string>): IdPrefixMatch {
  const hits: string[] = [];
  for (const id of ids) {
    if (forms.includes(id)) return { found: 'one', id, exact: true };
    if (forms.some((f) => id.startsWith(f))) hits.push(id);
  }
  if (hits.length === 0) return { found: 'none' };
  if (hits.length === 1) return { found: 'one', id: hits[0]!, exact: false };
  return { found: 'several', ids: hits.sort() };
}

/**
 * The store's lookup: the id that `idOrPrefix` (trimmed) names, else a StoreError — 'not_found' (blank, or no
 * id has the prefix) or 'ambiguous' (its `matches` name the ids). `fetch(forms, limit)` returns the stored ids
 * equal to or starting with one of the forms, the first `limit` in id order, an exact id among them.
 * `where`: the database, as its messages name it.
 */
export async function findByIdPrefix(
  kind: IdKind,
  idOrPrefix: string,
  where: string,
  fetch: (forms: readonly string[], limit: number) => Promise<readonly { id: string }[]>,
): Promise<string> {
  const { what, plural, list } = kind;
  const allowed = `allowed an id or id prefix of a stored ${what}: see ${list}`;
  if (typeof idOrPrefix !== 'string' || idOrPrefix.trim() === '')
    throw new StoreError(
      'not_found',
      `${what} id: must be a ${what} id or a prefix of one (got ${JSON.stringify(idOrPrefix)}; ${allowed})`,
    );
  const q = idOrPrefix.trim();
  const rows = await fetch(idForms(kind, q), PREFIX_MATCHES_SHOWN + 1);
  const m = matchIdPrefix(
    idForms(kind, q),
    rows.map((r) => r.id),
  );
  if (m.found === 'one') return m.id;
  if (m.found === 'none')
    throw new StoreError('not_found', `${what} id: no ${what} matches it in ${where} (got '${q}'; ${allowed})`);
  const shown = prefixMatches(m.ids.map((id) => ({ id })));
  throw new StoreError(
    'ambiguous',
    `${what} id: prefix is ambiguous, it matches ${shown.more ? `more than ${shown.ids.length}` : m.ids.length} ` +
      `${plural} (got '${q}'; allowed more characters of one of ${matchesText(shown)})`,
    { matches: shown },
  );
}
