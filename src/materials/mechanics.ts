/**
 * Mechanical and thermal data for the roll-gap, bonding, alloying and cracking models (src/process/).
 * Every number is a `Prop` in SI with its unit and source; `assumption: true` marks an engineering
 * default without a primary source. "U" in a source means the value is recalled from the cited paper
 * and was not re-read (shared/data/li-al-ssb-datasheet.md tags); verify before it becomes a bar.
 *
 * Flow laws:
 *  - `creep`:      σ = σ_ref·(ε̇/ε̇_ref)^(1/n)·exp(Q/(nR)·(1/T − 1/T_ref))  (inverse of the power-law creep
 *                  law ε̇ = A·σⁿ·exp(−Q/RT); LePage et al., J. Electrochem. Soc. 166 (2019) A89,
 *                  doi:10.1149/2.0221902jes; Masias et al., J. Mater. Sci. 54 (2019) 2585). Above the melting
 *                  point the material is a Newtonian liquid of viscosity η.
 *  - `hollomon`:   σ = K·(ε₀ + ε)^n·(1 − T*^m), ε₀ = (σ_y/K)^(1/n), T* = (T − T_ref)/(T_m − T_ref): Hollomon's
 *                  law (Trans. AIME 162 (1945) 268) in Swift's pre-strained form (J. Mech. Phys. Solids 1 (1952) 1),
 *                  so a harder temper of the same alloy is the same curve further along (temper as prestrain,
 *                  assumption); thermal softening of Johnson & Cook, Proc. 7th Int. Symp. Ballistics (1983) 541.
 *  - `compaction`: particulate layer, Heckel law ln(1/(1 − D)) = K·p + A (Heckel, Trans. Metall. Soc. AIME 221
 *                  (1961) 671), written as porosity ε(p) = ε_green·exp(−p/P_y) with P_y = 1/K.
 *  - `brittle`:    elastic to fracture (intermetallics), characterised by K_Ic.
 */
import type { Prop } from './library.ts';
import { problem } from '../problems.ts';
import { GPa, MPa } from '../units/index.ts';

const DS = 'shared/data/li-al-ssb-datasheet.md';
const PM = 'shared/data/process-models.md';
const p = (value: number, unit: string, source: string, assumption = false): Prop =>
  assumption ? { value, unit, source, assumption } : { value, unit, source };

export type FlowLaw =
  | {
      readonly kind: 'creep';
      /** flow stress at ε̇_ref and T_ref, Pa */
      readonly sigmaRef: Prop;
      /** s⁻¹ */
      readonly strainRateRef: Prop;
      /** K */
      readonly temperatureRef: Prop;
      /** stress exponent */
      readonly n: Prop;
      /** activation energy, J mol⁻¹ */
      readonly Q: Prop;
      /** liquid viscosity above the melting point, Pa s */
      readonly liquidViscosity: Prop;
    }
  | {
      readonly kind: 'hollomon';
      /** initial yield stress, Pa */
      readonly yieldStress: Prop;
      /** strength coefficient, Pa */
      readonly K: Prop;
      /** strain-hardening exponent */
      readonly n: Prop;
      /** Johnson–Cook thermal-softening exponent m */
      readonly thermalSofteningM: Prop;
    }
  | {
      readonly kind: 'compaction';
      /** Heckel yield pressure P_y = 1/K, Pa */
      readonly heckelYieldPressure: Prop;
      /** typical as-made (green) porosity when the recipe gives none */
      readonly greenPorosity: Prop;
      /** porosity below which the compact behaves as dense (closed pores) */
      readonly minPorosity: Prop;
    }
  | {
      readonly kind: 'brittle';
      /** fracture strength, Pa (used only as a yield ceiling in the slab model) */
      readonly strength: Prop;
    };

export interface MechanicalProperties {
  readonly id: MechanicalId;
  readonly name: string;
  /** Young's modulus of the dense material, Pa */
  readonly youngsModulus: Prop;
  readonly poissonRatio: Prop;
  /** fully dense density, kg m⁻³ */
  readonly density: Prop;
  /** specific heat, J kg⁻¹ K⁻¹ */
  readonly specificHeat: Prop;
  /** linear thermal expansion coefficient, K⁻¹ */
  readonly thermalExpansion: Prop;
  /** melting / decomposition point, K */
  readonly meltingPoint: Prop;
  /** ultimate tensile strength (bond-strength ceiling), Pa */
  readonly tensileStrength: Prop;
  readonly flowLaw: FlowLaw;
  /** fracture toughness K_Ic, Pa m^½ (brittle phases) */
  readonly fractureToughness?: Prop;
}

export type MechanicalId =
  | 'Li'
  | 'Al-O'
  | 'Al-H14'
  | 'Al-H18'
  | 'Al-particles'
  | 'Cu'
  | 'Ni'
  | 'SS'
  | 'LiAl'
  | 'Li3Al2'
  | 'Li9Al4'
  | 'sulfide-SE'
  | 'oxide-SE'
  | 'halide-SE'
  | 'polymer-SE'
  | 'cathode-composite'
  | 'roll-steel';

const JC = 'Johnson & Cook, Proc. 7th Int. Symp. Ballistics (1983) 541 (m for OFHC Cu 1.09, 2024-T351 Al 1.0; U)';
const CRC = 'CRC Handbook of Chemistry and Physics, 97th ed. (2016); U';
const PRIMER = 'Lenard, Primer on Flat Rolling, 2nd ed., Elsevier (2014); U';
const HECKEL_SE =
  'assumption: Heckel P_y back-fitted to tape-cast Li6PS5Cl keeping ~30 % porosity at 350 MPa from ~50 % green (chemrxiv 67916a4ffa469535b9578236 via ' +
  PM +
  ' §1.7) and pellets densified at 370–625 MPa (' +
  DS +
  ' §4.2)';

const LI: MechanicalProperties = {
  id: 'Li',
  name: 'lithium metal',
  youngsModulus: p(
    GPa(7.8),
    'Pa',
    'Masias et al., J. Mater. Sci. 54 (2019) 2585, doi:10.1007/s10853-018-2971-3 (U; factor-4 spread, Darnbrough et al. Mater. Des. 2023)',
  ),
  poissonRatio: p(0.36, '1', 'Masias et al. 2019 (U)'),
  density: p(534, 'kg m^-3', DS + ' §2.1'),
  specificHeat: p(3582, 'J kg^-1 K^-1', CRC),
  thermalExpansion: p(46e-6, 'K^-1', CRC),
  meltingPoint: p(453.65, 'K', DS + ' §6 (180.5 °C, U)'),
  tensileStrength: p(
    MPa(0.8),
    'Pa',
    'Masias et al. 2019: tensile yield 0.73–0.81 MPa (U); Li bulk is the bond-strength ceiling',
  ),
  flowLaw: {
    kind: 'creep',
    sigmaRef: p(
      MPa(0.8),
      'Pa',
      DS + ' §3.1: σ0 chosen so σ ≈ 0.8 MPa at 1e-3 s⁻¹, 298 K (assumption built on Masias 2019)',
      true,
    ),
    strainRateRef: p(1e-3, 's^-1', DS + ' §3.1'),
    temperatureRef: p(298.15, 'K', DS + ' §3.1'),
    n: p(6.6, '1', 'LePage et al., J. Electrochem. Soc. 166 (2019) A89, doi:10.1149/2.0221902jes; Masias 2019 (U)'),
    Q: p(37e3, 'J mol^-1', 'LePage et al. 2019 (U)'),
    liquidViscosity: p(
      5.7e-4,
      'Pa s',
      'liquid Li near the melting point, Davison, Compilation of Thermophysical Properties of Liquid Lithium, NASA TN D-4650 (1968); U',
    ),
  },
};

const AL_COMMON = {
  youngsModulus: p(GPa(69), 'Pa', DS + ' §3.2 (handbook, U)'),
  poissonRatio: p(0.33, '1', CRC),
  density: p(2699, 'kg m^-3', DS + ' §2.1'),
  specificHeat: p(897, 'J kg^-1 K^-1', CRC),
  thermalExpansion: p(23.1e-6, 'K^-1', CRC),
  meltingPoint: p(933.47, 'K', CRC),
} as const;

const ENTRIES: readonly MechanicalProperties[] = [
  LI,
  {
    id: 'Al-O',
    name: 'aluminium foil, annealed (O temper, 1xxx)',
    ...AL_COMMON,
    tensileStrength: p(MPa(85), 'Pa', DS + ' §3.2: O-temper UTS ~70–100 MPa (U)'),
    flowLaw: {
      kind: 'hollomon',
      yieldStress: p(MPa(35), 'Pa', DS + ' §3.2: O-temper yield ~30–40 MPa (U)'),
      K: p(MPa(165), 'Pa', DS + ' §3.2: K ≈ 150–180 MPa (U)'),
      n: p(0.22, '1', DS + ' §3.2: n ≈ 0.2–0.25 (U)'),
      thermalSofteningM: p(1.0, '1', JC),
    },
  },
  {
    id: 'Al-H14',
    name: 'aluminium foil, half hard (H14, 1xxx)',
    ...AL_COMMON,
    tensileStrength: p(MPa(125), 'Pa', 'ASM Handbook vol. 2 (1100-H14 UTS 125 MPa); U'),
    flowLaw: {
      kind: 'hollomon',
      yieldStress: p(MPa(115), 'Pa', 'ASM Handbook vol. 2 (1100-H14 yield 115 MPa); U'),
      K: p(MPa(165), 'Pa', DS + ' §3.2 (O-temper K; the temper is a prestrain on the same curve, assumption)', true),
      n: p(0.22, '1', DS + ' §3.2 (O-temper n; temper as prestrain, assumption)', true),
      thermalSofteningM: p(1.0, '1', JC),
    },
  },
  {
    id: 'Al-H18',
    name: 'aluminium battery foil, full hard (H18)',
    ...AL_COMMON,
    tensileStrength: p(MPa(190), 'Pa', DS + ' §3.2: H18 battery foil ≥ 180 MPa (alufoil.cn, V)'),
    flowLaw: {
      kind: 'hollomon',
      yieldStress: p(
        MPa(170),
        'Pa',
        'assumption: ≈ 0.9 × UTS for full-hard foil (UTS ≥ 180 MPa, ' + DS + ' §3.2)',
        true,
      ),
      K: p(MPa(165), 'Pa', DS + ' §3.2 (O-temper K; the temper is a prestrain on the same curve, assumption)', true),
      n: p(0.22, '1', DS + ' §3.2 (O-temper n; temper as prestrain, assumption)', true),
      thermalSofteningM: p(1.0, '1', JC),
    },
  },
  {
    id: 'Al-particles',
    name: 'Al particles + binder sheet (claim 10)',
    ...AL_COMMON,
    youngsModulus: p(GPa(10), 'Pa', 'assumption: porous particle/binder sheet, well below dense Al', true),
    poissonRatio: p(0.3, '1', 'assumption', true),
    tensileStrength: p(MPa(2), 'Pa', 'assumption: binder-limited cohesion', true),
    flowLaw: {
      kind: 'compaction',
      heckelYieldPressure: p(
        MPa(110),
        'Pa',
        'assumption: Heckel P_y ≈ 3σ_y of annealed Al powder (Heckel 1961: K = 1/(3σ_0))',
        true,
      ),
      greenPorosity: p(0.4, '1', 'assumption: cast particle sheet', true),
      minPorosity: p(0.05, '1', 'assumption', true),
    },
  },
  {
    id: 'Cu',
    name: 'copper foil (electrodeposited)',
    youngsModulus: p(GPa(70), 'Pa', 'Zhu, Feng, Guo, RSC Adv. 4 (2014) 57671, doi:10.1039/c4ra07675c (ED foil, V)'),
    poissonRatio: p(0.34, '1', CRC),
    density: p(8960, 'kg m^-3', CRC),
    specificHeat: p(385, 'J kg^-1 K^-1', CRC),
    thermalExpansion: p(16.5e-6, 'K^-1', CRC),
    meltingPoint: p(1357.77, 'K', CRC),
    tensileStrength: p(MPa(350), 'Pa', DS + ' §3.3: ED foil UTS ~300–400 MPa (U)'),
    flowLaw: {
      kind: 'hollomon',
      yieldStress: p(MPa(250), 'Pa', DS + ' §3.3: ED foil yield ~200–300 MPa (U)'),
      K: p(MPa(450), 'Pa', 'assumption: K fitted so σ(ε=0.05) ≈ UTS', true),
      n: p(0.2, '1', 'assumption', true),
      thermalSofteningM: p(1.09, '1', JC),
    },
  },
  {
    id: 'Ni',
    name: 'nickel foil',
    youngsModulus: p(GPa(200), 'Pa', CRC),
    poissonRatio: p(0.31, '1', CRC),
    density: p(8908, 'kg m^-3', CRC),
    specificHeat: p(444, 'J kg^-1 K^-1', CRC),
    thermalExpansion: p(13.4e-6, 'K^-1', CRC),
    meltingPoint: p(1728, 'K', CRC),
    tensileStrength: p(MPa(450), 'Pa', 'assumption: cold-rolled Ni foil', true),
    flowLaw: {
      kind: 'hollomon',
      yieldStress: p(MPa(300), 'Pa', 'assumption: cold-rolled Ni foil', true),
      K: p(MPa(700), 'Pa', 'assumption', true),
      n: p(0.3, '1', 'assumption', true),
      thermalSofteningM: p(1.0, '1', 'assumption (Johnson–Cook form)', true),
    },
  },
  {
    id: 'SS',
    name: 'stainless steel foil (AISI 304)',
    youngsModulus: p(GPa(193), 'Pa', 'ASM Handbook vol. 1 (AISI 304); U'),
    poissonRatio: p(0.29, '1', 'ASM Handbook vol. 1; U'),
    density: p(8000, 'kg m^-3', 'ASM Handbook vol. 1; U'),
    specificHeat: p(500, 'J kg^-1 K^-1', 'ASM Handbook vol. 1; U'),
    thermalExpansion: p(17.3e-6, 'K^-1', 'ASM Handbook vol. 1; U'),
    meltingPoint: p(1673, 'K', 'ASM Handbook vol. 1 (solidus); U'),
    tensileStrength: p(MPa(620), 'Pa', 'ASM Handbook vol. 1 (annealed 304 ≥ 515 MPa); U'),
    flowLaw: {
      kind: 'hollomon',
      yieldStress: p(MPa(250), 'Pa', 'ASM Handbook vol. 1 (annealed 304 ≥ 205 MPa); U'),
      K: p(
        MPa(1275),
        'Pa',
        'Hollomon fit for AISI 304, widely quoted (Kalpakjian, Manufacturing Processes, Table 2.3); U',
      ),
      n: p(0.45, '1', 'Kalpakjian Table 2.3; U'),
      thermalSofteningM: p(1.0, '1', 'assumption (Johnson–Cook form)', true),
    },
  },
  {
    id: 'LiAl',
    name: 'β-LiAl (B32)',
    youngsModulus: p(GPa(70), 'Pa', DS + ' §2.5: 60–80 GPa placeholder (assumption)', true),
    poissonRatio: p(0.25, '1', 'assumption', true),
    density: p(1743, 'kg m^-3', DS + ' §2.1 (lattice, comp)'),
    specificHeat: p(1600, 'J kg^-1 K^-1', 'assumption: Neumann–Kopp rule from Li and Al (CRC)', true),
    thermalExpansion: p(22e-6, 'K^-1', 'assumption: between Al and Li weighted by volume', true),
    meltingPoint: p(973, 'K', 'Hallstedt & Kim, Int. J. Mater. Res. 98 (2007) 961 (CALPHAD Al–Li; U)'),
    tensileStrength: p(MPa(150), 'Pa', 'assumption: brittle intermetallic', true),
    fractureToughness: p(1e6, 'Pa m^0.5', PM + ' §2.5: 0.5–2 MPa√m typical brittle intermetallic (assumption)', true),
    flowLaw: { kind: 'brittle', strength: p(MPa(150), 'Pa', 'assumption: brittle intermetallic', true) },
  },
  {
    id: 'Li3Al2',
    name: 'Li3Al2',
    youngsModulus: p(GPa(60), 'Pa', 'assumption (no source, ' + DS + ' §2.5)', true),
    poissonRatio: p(0.25, '1', 'assumption', true),
    density: p(1485, 'kg m^-3', DS + ' §2.1 (lattice, comp)'),
    specificHeat: p(2000, 'J kg^-1 K^-1', 'assumption: Neumann–Kopp rule', true),
    thermalExpansion: p(25e-6, 'K^-1', 'assumption', true),
    meltingPoint: p(793, 'K', 'Hallstedt & Kim 2007 (U)'),
    tensileStrength: p(MPa(120), 'Pa', 'assumption', true),
    fractureToughness: p(0.8e6, 'Pa m^0.5', 'assumption: brittle intermetallic', true),
    flowLaw: { kind: 'brittle', strength: p(MPa(120), 'Pa', 'assumption', true) },
  },
  {
    id: 'Li9Al4',
    name: 'Li9Al4',
    youngsModulus: p(GPa(45), 'Pa', 'assumption (no source, ' + DS + ' §2.5)', true),
    poissonRatio: p(0.25, '1', 'assumption', true),
    density: p(1270, 'kg m^-3', DS + ' §2.1 (lattice, comp)'),
    specificHeat: p(2400, 'J kg^-1 K^-1', 'assumption: Neumann–Kopp rule', true),
    thermalExpansion: p(30e-6, 'K^-1', 'assumption', true),
    meltingPoint: p(608, 'K', 'Hallstedt & Kim 2007 (U)'),
    tensileStrength: p(MPa(100), 'Pa', 'assumption', true),
    fractureToughness: p(0.7e6, 'Pa m^0.5', 'assumption: brittle intermetallic', true),
    flowLaw: { kind: 'brittle', strength: p(MPa(100), 'Pa', 'assumption', true) },
  },
  {
    id: 'sulfide-SE',
    name: 'sulfide solid electrolyte layer (Li6PS5Cl-type, + binder)',
    youngsModulus: p(
      GPa(22),
      'Pa',
      'Sakuda et al., Sci. Rep. 3 (2013) 2261, doi:10.1038/srep02261 (18–25 GPa sulfide glasses; U)',
    ),
    poissonRatio: p(0.3, '1', 'assumption', true),
    density: p(1865, 'kg m^-3', DS + ' §4.2 (crystallographic, comp)'),
    specificHeat: p(800, 'J kg^-1 K^-1', 'assumption', true),
    thermalExpansion: p(20e-6, 'K^-1', 'assumption', true),
    meltingPoint: p(773, 'K', 'assumption: decomposition well above the process window', true),
    tensileStrength: p(MPa(5), 'Pa', 'assumption: binder-limited cohesion', true),
    flowLaw: {
      kind: 'compaction',
      heckelYieldPressure: p(MPa(690), 'Pa', HECKEL_SE, true),
      greenPorosity: p(0.3, '1', 'tape-cast Li6PS5Cl ~30 % open porosity (' + PM + ' §1.7, V)'),
      minPorosity: p(0.02, '1', 'assumption', true),
    },
  },
  {
    id: 'oxide-SE',
    name: 'oxide solid electrolyte layer (LLZO particles + binder)',
    youngsModulus: p(GPa(150), 'Pa', 'Ni et al., J. Mater. Sci. 47 (2012) 7978 (LLZO ~150 GPa; U)'),
    poissonRatio: p(0.26, '1', 'Ni et al. 2012 (U)'),
    density: p(5100, 'kg m^-3', 'LLZO crystallographic (U)'),
    specificHeat: p(600, 'J kg^-1 K^-1', 'assumption', true),
    thermalExpansion: p(15.5e-6, 'K^-1', 'Ni et al. 2012 (U)'),
    meltingPoint: p(1500, 'K', 'assumption', true),
    tensileStrength: p(MPa(2), 'Pa', 'assumption: unsintered binder-bonded layer', true),
    flowLaw: {
      kind: 'compaction',
      heckelYieldPressure: p(
        MPa(5000),
        'Pa',
        'assumption: hard ceramic particles barely densify by cold pressing (sintering needed)',
        true,
      ),
      greenPorosity: p(0.4, '1', 'assumption', true),
      minPorosity: p(0.05, '1', 'assumption', true),
    },
  },
  {
    id: 'halide-SE',
    name: 'halide solid electrolyte layer (Li3InCl6-type)',
    youngsModulus: p(GPa(30), 'Pa', 'assumption: soft halide, comparable to sulfides', true),
    poissonRatio: p(0.3, '1', 'assumption', true),
    density: p(2590, 'kg m^-3', 'Li3InCl6 crystallographic (U)'),
    specificHeat: p(600, 'J kg^-1 K^-1', 'assumption', true),
    thermalExpansion: p(25e-6, 'K^-1', 'assumption', true),
    meltingPoint: p(700, 'K', 'assumption', true),
    tensileStrength: p(MPa(5), 'Pa', 'assumption', true),
    flowLaw: {
      kind: 'compaction',
      heckelYieldPressure: p(MPa(500), 'Pa', 'assumption: cold-pressable like sulfides', true),
      greenPorosity: p(0.3, '1', 'assumption', true),
      minPorosity: p(0.02, '1', 'assumption', true),
    },
  },
  {
    id: 'polymer-SE',
    name: 'polymer electrolyte (PEO–LiTFSI)',
    youngsModulus: p(MPa(50), 'Pa', 'assumption: PEO–LiTFSI near RT, tens of MPa', true),
    poissonRatio: p(0.45, '1', 'assumption', true),
    density: p(1300, 'kg m^-3', 'assumption', true),
    specificHeat: p(1800, 'J kg^-1 K^-1', 'assumption', true),
    thermalExpansion: p(150e-6, 'K^-1', 'assumption', true),
    meltingPoint: p(338, 'K', 'PEO crystalline melting ≈ 65 °C (U)'),
    tensileStrength: p(MPa(2), 'Pa', 'assumption', true),
    flowLaw: {
      kind: 'compaction',
      heckelYieldPressure: p(MPa(20), 'Pa', 'assumption: soft polymer flows at low pressure', true),
      greenPorosity: p(0.02, '1', 'assumption: cast film, nearly dense', true),
      minPorosity: p(0.0, '1', 'assumption', true),
    },
  },
  {
    id: 'cathode-composite',
    name: 'cathode composite (NCM + sulfide SE + carbon + binder)',
    youngsModulus: p(
      GPa(40),
      'Pa',
      'assumption: dense-equivalent of NCM (~199 GPa) and sulfide SE (~22 GPa) mix; reduced for porosity in the models',
      true,
    ),
    poissonRatio: p(0.3, '1', 'assumption', true),
    density: p(3500, 'kg m^-3', 'assumption: 70 vol% NCM811 (4.78) + 30 vol% Li6PS5Cl (1.87)', true),
    specificHeat: p(700, 'J kg^-1 K^-1', 'assumption', true),
    thermalExpansion: p(12e-6, 'K^-1', 'assumption', true),
    meltingPoint: p(773, 'K', 'assumption: SE decomposition', true),
    tensileStrength: p(MPa(3), 'Pa', 'assumption', true),
    flowLaw: {
      kind: 'compaction',
      heckelYieldPressure: p(
        MPa(900),
        'Pa',
        'assumption: hard NCM skeleton raises P_y above the pure sulfide value (' + HECKEL_SE + ')',
        true,
      ),
      greenPorosity: p(0.3, '1', 'assumption: as-coated composite', true),
      minPorosity: p(
        0.05,
        '1',
        'Meyer et al., J. Mater. Process. Technol. 249 (2017) 172 (NCM compacts keep closed pores; value assumption)',
        true,
      ),
    },
  },
  {
    id: 'roll-steel',
    name: 'roll steel',
    youngsModulus: p(GPa(210), 'Pa', PM + ' §1.2'),
    poissonRatio: p(0.3, '1', PM + ' §1.2'),
    density: p(7850, 'kg m^-3', PRIMER),
    specificHeat: p(460, 'J kg^-1 K^-1', PRIMER),
    thermalExpansion: p(12e-6, 'K^-1', PRIMER),
    meltingPoint: p(1723, 'K', PRIMER),
    tensileStrength: p(MPa(1500), 'Pa', 'assumption: hardened roll steel', true),
    flowLaw: { kind: 'brittle', strength: p(MPa(1500), 'Pa', 'assumption', true) },
  },
];

const BY_ID: ReadonlyMap<string, MechanicalProperties> = new Map(ENTRIES.map((e) => [e.id, e]));
export const MECHANICAL_IDS: readonly MechanicalId[] = ENTRIES.map((e) => e.id);

/** Typed lookup; throws a RangeError naming the id and the allowed ids. */
export function mechanicalProperties(id: string): MechanicalProperties {
  const m = BY_ID.get(id);
  if (!m) throw problem('mechanics.id', 'unknown material id', `'${id}'`, String(MECHANICAL_IDS.join(', ')));
  return m;
}

/** Plane-strain flow stress k̄ = (2/√3)·σ (von Mises). */
export const PLANE_STRAIN_FACTOR = 2 / Math.sqrt(3);

/** Confined (oedometric) modulus M = E(1−ν)/((1+ν)(1−2ν)) — Winkler stiffness of a thin layer. */
export function confinedModulus(E: number, nu: number): number {
  return (E * (1 - nu)) / ((1 + nu) * (1 - 2 * nu));
}

// ------------------------------------------------------------------------------- Li–Al phase data
export type LiAlPhase = 'Al' | 'LiAl' | 'Li3Al2' | 'Li9Al4' | 'Li';

export interface PhaseData {
  /** Li atoms per Al atom (for 'Li' metal: per Li atom, x undefined) */
  readonly liPerAl: number;
  /** molar volume per Al atom (per Li atom for Li metal), m³ mol⁻¹ */
  readonly molarVolume: Prop;
  /** formation enthalpy per mol of atoms, J mol⁻¹ */
  readonly formationEnthalpyPerAtom: Prop;
  readonly density: Prop;
}

const DEBSKI = 'Dębski, Gąsior et al., J. Alloys Compd. 586 (2014) 703 (calorimetry; ' + PM + ' §2.4, V)';

/** Datasheet §2.1 (lattice, comp) and Dębski 2014 enthalpies. */
export const LI_AL_PHASES: Readonly<Record<LiAlPhase, PhaseData>> = {
  Al: {
    liPerAl: 0,
    molarVolume: p(9.997e-6, 'm^3 mol^-1', DS + ' §2.1 (M/ρ)'),
    formationEnthalpyPerAtom: p(0, 'J mol^-1', 'element'),
    density: p(2699, 'kg m^-3', DS + ' §2.1'),
  },
  LiAl: {
    liPerAl: 1,
    molarVolume: p(19.46e-6, 'm^3 mol^-1', DS + ' §2.1 (a = 6.37 Å, Z = 8)'),
    formationEnthalpyPerAtom: p(
      -20.55e3,
      'J mol^-1',
      DEBSKI + ': −20.7 (solution) / −20.4 (direct) kJ per mol atoms, mean',
    ),
    density: p(1743, 'kg m^-3', DS + ' §2.1'),
  },
  Li3Al2: {
    liPerAl: 1.5,
    molarVolume: p(25.19e-6, 'm^3 mol^-1', DS + ' §2.1 (per Al)'),
    formationEnthalpyPerAtom: p(-19.1e3, 'J mol^-1', DEBSKI),
    density: p(1485, 'kg m^-3', DS + ' §2.1'),
  },
  Li9Al4: {
    liPerAl: 2.25,
    molarVolume: p(33.55e-6, 'm^3 mol^-1', DS + ' §2.1 (per Al)'),
    formationEnthalpyPerAtom: p(-15.1e3, 'J mol^-1', DEBSKI),
    density: p(1270, 'kg m^-3', DS + ' §2.1'),
  },
  Li: {
    liPerAl: Number.NaN,
    molarVolume: p(12.998e-6, 'm^3 mol^-1', DS + ' §2.1 (M/ρ)'),
    formationEnthalpyPerAtom: p(0, 'J mol^-1', 'element'),
    density: p(534, 'kg m^-3', DS + ' §2.1'),
  },
};

/** Li solubility limit in α-Al (Li/Al) and the Li-poor edge of β-LiAl. */
export const ALPHA_SOLUBILITY_LI_PER_AL = p(0.05, '1', DS + ' §1.1 (P1: α for 0 ≤ x ≤ 0.05, meas/V)');
export const BETA_LI_POOR_EDGE_LI_PER_AL = p(0.95, '1', DS + ' §1.1 (P1: β for 0.95 ≤ x ≤ 1, meas/V)');
export const MOLAR_MASS_LI = p(6.94e-3, 'kg mol^-1', 'IUPAC 2021 standard atomic weight');
export const MOLAR_MASS_AL = p(26.9815e-3, 'kg mol^-1', 'IUPAC 2021 standard atomic weight');
