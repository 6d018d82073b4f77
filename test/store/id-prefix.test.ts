/**
 * The one id-or-prefix rule (src/store/id-prefix.ts) that the store's runs, studies and campaigns and the
 * server's jobs in memory share: exact id first (even when it prefixes longer ids), one prefix match, several
 * (ambiguous, naming the first 10 in id order), none; each kind's case; the messages name the kind, the value
 * and what is allowed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CAMPAIGN_IDS, RUN_IDS, STUDY_IDS, findByIdPrefix, idForms, matchIdPrefix } from '../../src/store/id-prefix.ts';
import { StoreError } from '../../src/store/errors.ts';

test('matchIdPrefix: an exact id wins over the longer ids it prefixes; one prefix match; several in id order; none', () => {
  assert.deepEqual(matchIdPrefix(['AB'], ['ABC', 'AB', 'ABD']), { found: 'one', id: 'AB', exact: true });
  assert.deepEqual(matchIdPrefix(['AB'], ['XY', 'ABC']), { found: 'one', id: 'ABC', exact: false });
  assert.deepEqual(matchIdPrefix(['AB'], ['ABD', 'XY', 'ABC']), { found: 'several', ids: ['ABC', 'ABD'] });
  assert.deepEqual(matchIdPrefix(['AB'], ['XAB', 'A']), { found: 'none' });
  assert.deepEqual(matchIdPrefix(['ab', 'AB'], ['ABC']), { found: 'one', id: 'ABC', exact: false });
});

test('idForms: run ids match upper-cased, campaign ids lower-cased, study ids only as typed', () => {
  assert.deepEqual(idForms(RUN_IDS, 'r-01j'), ['r-01j', 'R-01J']);
  assert.deepEqual(idForms(RUN_IDS, 'R-01J'), ['R-01J']);
  assert.deepEqual(idForms(CAMPAIGN_IDS, 'C1A'), ['C1A', 'c1a']);
  assert.deepEqual(idForms(STUDY_IDS, 'Sweep-A'), ['Sweep-A']);
});

/** a store of these ids, fetched as the SQL does: those with a prefix among the forms, in id order, ≤ limit */
const storeOf =
  (ids: string[]) =>
  (forms: readonly string[], limit: number): Promise<{ id: string }[]> =>
    Promise.resolve(
      ids
        .filter((id) => forms.some((f) => id.startsWith(f)))
        .sort()
        .slice(0, limit)
        .map((id) => ({ id })),
    );

const rejectsWith = async (p: Promise<unknown>, code: string, re: RegExp): Promise<StoreError> => {
  let err: unknown;
  await p.then(
    () => assert.fail('resolved'),
    (e: unknown) => (err = e),
  );
  assert.ok(err instanceof StoreError, String(err));
  assert.equal(err.code, code);
  assert.match(err.message, re);
  return err;
};

test('findByIdPrefix: the id, or not_found / ambiguous naming the kind, the value and the candidates', async () => {
  const runs = storeOf(['R-AB1', 'R-AB2', 'R-XY']);
  assert.equal(await findByIdPrefix(RUN_IDS, ' r-x ', 'db.sqlite', runs), 'R-XY');
  await rejectsWith(
    findByIdPrefix(RUN_IDS, 'r-ab', 'db.sqlite', runs),
    'ambiguous',
    /^run id: prefix is ambiguous, it matches 2 runs \(got 'r-ab'; allowed more characters of one of R-AB1, R-AB2\)$/,
  );
  await rejectsWith(
    findByIdPrefix(STUDY_IDS, 'zz', 'db.sqlite', storeOf(['a'])),
    'not_found',
    /^study id: no study matches it in db\.sqlite \(got 'zz'; allowed an id or id prefix of a stored study: see rollcell studies list\)$/,
  );
  await rejectsWith(
    findByIdPrefix(CAMPAIGN_IDS, '  ', 'db.sqlite', storeOf(['c1'])),
    'not_found',
    /^campaign id: must be a campaign id or a prefix of one \(got " {2}"; .*see rollcell runs campaigns\)$/,
  );
  // more than PREFIX_MATCHES_SHOWN: the first 10 in id order, and that there are more
  const many = Array.from({ length: 25 }, (_, i) => `c${String(i).padStart(3, '0')}`);
  const e = await rejectsWith(
    findByIdPrefix(CAMPAIGN_IDS, 'C0', 'db.sqlite', storeOf(many)),
    'ambiguous',
    /it matches more than 10 campaigns .*one of c000, c001, .*c009, …\)$/,
  );
  assert.deepEqual(e.matches, { ids: many.slice(0, 10), more: true });
  // an exact id that also prefixes longer ones is that id, though the prefix matches 25
  assert.equal(await findByIdPrefix(CAMPAIGN_IDS, 'c00', 'db.sqlite', storeOf(['c00', ...many])), 'c00');
});
