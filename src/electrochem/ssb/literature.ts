/**
 * Published figures of Al / Li–Al anode sulfide all-solid-state cells used by the literature check
 * (scripts/validate-ssb.ts, issue 5 item 4). Every entry either carries a number with where it stands in
 * the paper, or `value: null` with what was searched and not found — no number here is estimated.
 *
 * Search record (for the next person): the stored corpora hold the ABSTRACTS of P1–P3 (and a copy of the
 * P2 Nature page opening); full text, figures, tables and SI were not reachable. Queries run: titles,
 * "average/nominal discharge voltage", "voltage profile", "specific capacity mAh/g at 0.1C/1C",
 * "first-cycle coulombic efficiency", "loading mg/cm²", "rate performance" for each paper (pages, docs,
 * code, issues corpora). Paper labels P1–P3, P6 follow /work/shared/data/li-al-ssb-datasheet.md §1.
 */

export interface PublishedFigure {
  /** the number, or null when the paper's stored text does not give it */
  readonly value: number | null;
  readonly unit: string;
  /** conditions the number belongs to */
  readonly conditions: string;
  /** where it stands (abstract / figure / table; "approximate" when read off a figure), or why it is missing */
  readonly where: string;
}

export interface PublishedCell {
  readonly id: string;
  readonly citation: string;
  /** DOI, or null when no stored copy shows it */
  readonly doi: string | null;
  /** the stored copy the figures were read in */
  readonly readIn: string;
  readonly figures: Readonly<Record<string, PublishedFigure>>;
}

const NOT_IN_ABSTRACT = 'not in the abstract (the only stored text; full text, figures and SI not reachable)';

/** P1: prelithiated Li_xAl ‖ NCM811 (datasheet §1.1, B1). */
export const P1: PublishedCell = {
  id: 'P1',
  citation:
    '"Lithium diffusion-controlled Li-Al alloy negative electrode for all-solid-state battery" (2024/25; authors not retrieved)',
  doi: null,
  readIn: 'abstract, https://www.biocloudy.com/literatureDetail/NjI3ODMyMQ==',
  figures: {
    loading: { value: 5, unit: 'mAh/cm²', conditions: 'NCM811 loading of the Li0.5Al‖NCM811 cell', where: 'abstract' },
    cyclingCurrent: { value: 4, unit: 'mA/cm²', conditions: 'long cycling of Li0.5Al‖NCM811', where: 'abstract' },
    retention2000: { value: 83, unit: '%', conditions: '2000 cycles at 4 mA/cm², 5 mAh/cm² NCM811', where: 'abstract' },
    rateCapability: {
      value: 7,
      unit: 'mA/cm²',
      conditions: 'highest current density of NCM811 full-cell operation',
      where: 'abstract (no capacity given at that current)',
    },
    averageDischargeVoltage: {
      value: null,
      unit: 'V',
      conditions: 'Li0.5Al‖NCM811 at 4 mA/cm²',
      where: NOT_IN_ABSTRACT,
    },
    deliveredCapacity: {
      value: null,
      unit: 'mAh/cm²',
      conditions: 'delivered at 4 mA/cm²',
      where: `${NOT_IN_ABSTRACT}; only the loading (5 mAh/cm²) is stated`,
    },
    firstCycleCE: { value: null, unit: '1', conditions: 'first cycle', where: NOT_IN_ABSTRACT },
  },
};

/** P2: non-prelithiated Al94.5In5.5 foil ‖ Li6PS5Cl ‖ NCM622 (datasheet §1.1, B3). */
export const P2: PublishedCell = {
  id: 'P2',
  citation:
    'Y. Liu, C. Wang, S. G. Yoon, …, M. T. McDowell, "Aluminum foil negative electrodes with ' +
    'multiphase microstructure for all-solid-state Li-ion batteries", Nat. Commun. 14, 3975 ' +
    '(2023)',
  doi: null, // not shown in the stored copies (journal, volume and article number are)
  readIn:
    'abstract, copy of the Nature page: ' +
    'https://gxsihong.com/news/aluminum-foil-negative-electrodes-with-multiphase-microstructure-for-allsolidstate-liion-batteries-nature-communications',
  figures: {
    anodeThickness: { value: 30, unit: 'µm', conditions: 'Al94.5In5.5 foil, not prelithiated', where: 'abstract' },
    cyclingCurrent: {
      value: 6.5,
      unit: 'mA/cm²',
      conditions: '"hundreds of stable cycles" with "practically relevant areal capacities"',
      where: 'abstract',
    },
    specificCapacity: { value: null, unit: 'mAh/g', conditions: 'NCM622 at 6.5 mA/cm²', where: NOT_IN_ABSTRACT },
    arealCapacity: {
      value: null,
      unit: 'mAh/cm²',
      conditions: 'at 6.5 mA/cm²',
      where: `${NOT_IN_ABSTRACT} ("practically relevant" only)`,
    },
    averageDischargeVoltage: { value: null, unit: 'V', conditions: 'full cell', where: NOT_IN_ABSTRACT },
    firstCycleCE: {
      value: null,
      unit: '1',
      conditions: 'first cycle (the first lithiation of the bare Al foil)',
      where: NOT_IN_ABSTRACT,
    },
    loading: { value: null, unit: 'mg/cm²', conditions: 'NCM622 composite', where: NOT_IN_ABSTRACT },
  },
};

/** P3: Li0.4Al ‖ Li10Si0.3PS6.7Cl1.8 ‖ single-crystal NCM83 (datasheet §1.1, B2). */
export const P3: PublishedCell = {
  id: 'P3',
  citation:
    'L. Zhang, X. Zhang, B. Guo, …, Y. Tang, J. Huang, "Electrochemical Grain Refinement ' +
    'Enables High-Performance Lithium–Aluminum-Anode-Based All-Solid-State Batteries", ACS ' +
    'Energy Lett. (2025)',
  doi: '10.1021/acsenergylett.4c03250',
  readIn:
    'abstract, https://booksci.cn/literature/143019996.htm (with DOI) and https://www.pubindex.ai/paper/W4406712981',
  figures: {
    current3C: { value: 13.9, unit: 'mA/cm²', conditions: '3C, room temperature', where: 'abstract' },
    arealCapacity3C: {
      value: 2.1,
      unit: 'mAh/cm²',
      conditions:
        '"at a high areal capacity of 2.1 mAh/cm²" in the 3C, 2000-cycle sentence (read as ' +
        'delivered at 3C: 13.9 mA/cm² ÷ 3 = 4.6 mAh/cm² nominal, datasheet §8-C7)',
      where: 'abstract',
    },
    retention2000: { value: 100, unit: '%', conditions: '2000 cycles at 3C, RT', where: 'abstract' },
    pouchEnergy: {
      value: 219,
      unit: 'Wh/kg',
      conditions: 'pouch cell, total cell mass',
      where: 'abstract (cell mass breakdown not given: not simulable)',
    },
    capacityOtherRate: {
      value: null,
      unit: 'mAh/cm²',
      conditions: 'any C-rate other than 3C (a second, independent point)',
      where: NOT_IN_ABSTRACT,
    },
    averageDischargeVoltage: { value: null, unit: 'V', conditions: 'at 3C', where: NOT_IN_ABSTRACT },
    firstCycleCE: { value: null, unit: '1', conditions: 'first cycle', where: NOT_IN_ABSTRACT },
  },
};

/** P6: Al-powder anode, Li5.4PS4.4Cl1.6 (datasheet §1.1, B5) — no capacity number to compare either. */
export const P6: PublishedCell = {
  id: 'P6',
  citation:
    'J. Cui, …, W. Tang, Y.-L. He, "Engineering a redox-active interface for highly reversible ' +
    'aluminum anode-based practical all-solid-state lithium batteries with ultralow N/P ratio", ' +
    'Chem. Sci. (2026)',
  doi: '10.1039/d6sc03781j',
  readIn: 'abstract, https://pubs.rsc.org/en/content/articlelanding/2026/sc/d6sc03781j',
  figures: {
    npRatio: { value: 1.05, unit: '1', conditions: 'N/P', where: 'abstract ("∼1.05")' },
    cathodeLoading: {
      value: 30,
      unit: 'mg/cm²',
      conditions: 'cathode (active material not named in the abstract)',
      where: 'abstract',
    },
    current: { value: 7, unit: 'mA/cm²', conditions: '> 1000 cycles', where: 'abstract' },
    capacity: {
      value: null,
      unit: 'mAh/g',
      conditions: 'full cell',
      where: `${NOT_IN_ABSTRACT} ("near-theoretical" Al capacity only)`,
    },
  },
};

/**
 * First-cycle coulombic efficiency of sulfide solid-state cells with layered-oxide cathodes, uncoated vs
 * coated: the literature range the model's first cycle is compared with (issue 15 item 3).
 */
export const JANGID2024: PublishedCell = {
  id: 'Jangid2024',
  citation:
    'M. K. Jangid, T. H. Cho, T. Ma, D. W. Liao, H. Kim, Y. Kim, M. Chi, N. P. Dasgupta, ' +
    '"Eliminating chemo-mechanical degradation of lithium solid-state battery cathodes during >4.5 V cycling ' +
    'using amorphous Nb2O5 coatings", Nat. Commun. 15, 10233 (2024)',
  doi: '10.1038/s41467-024-54331-w',
  readIn: 'abstract, PMC copy https://pmc.ncbi.nlm.nih.gov/articles/PMC11599776',
  figures: {
    firstCycleCE_uncoated: {
      value: 0.822,
      unit: '1',
      conditions:
        'uncoated single-crystal LiNi0.5Mn0.3Co0.2O2 | sulfide SE | Li4Ti5O12 full cell, high-voltage protocol (>4.5 V vs Li); ± 0.003',
      where: 'abstract ("82.2% ± 0.3%")',
    },
    firstCycleCE_coated: {
      value: 0.916,
      unit: '1',
      conditions: 'the same cell with a ~5 nm ALD Nb2O5 coating; ± 0.005',
      where: 'abstract ("91.6% ± 0.5%")',
    },
  },
};

/**
 * NCM811 average discharge potential vs Li/Li⁺, 3.0–4.3 V (materials library; Noh et al., J. Power Sources
 * 233 (2013) 121, doi:10.1016/j.jpowsour.2013.01.063), and practical capacity ≈ 200 mAh/g to ≈ 4.3 V vs Li
 * (datasheet §4.1, V; same Noh et al. series).
 */
export const NCM811_VS_LI = { averageDischarge_V: 3.8, practicalCapacity_mAh_g: 200 } as const;

/** a source string for a figure: citation, DOI, where */
export function cite(c: PublishedCell, key: string): string {
  const f = c.figures[key];
  if (!f)
    throw new RangeError(
      `figure: ${c.id} has no figure ${JSON.stringify(key)} (allowed ${Object.keys(c.figures).join(', ')})`,
    );
  const doi = c.doi ? `doi:${c.doi}` : 'DOI not in the stored copies';
  const v = f.value === null ? 'no published value' : `${f.value} ${f.unit}`;
  const tail = f.value === null ? ' — not compared' : '';
  return `${c.id} ${c.citation}, ${doi}: ${v} (${f.conditions}) — ${f.where}${tail}; read in ${c.readIn}`;
}
