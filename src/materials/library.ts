/**
 * rollcell's material library: every material the seed names for the cathode ([0058]–[0062]), the
 * solid electrolyte ([0155]–[0165]), binders, conductive additives, current collectors ([0123]),
 * protective layers and the Li–Al phases, with the properties the models need.
 *
 * Every property is a `Prop`: value in SI, the SI unit, and its source. `assumption: true` marks a value
 * without a primary source (an engineering default) — replace it when data arrive.
 * Mechanical data for the rolling models (flow laws, fracture) live in `mechanics.ts`.
 */
import { ProblemError } from '../problems.ts';
import { FARADAY_C_PER_MOL } from './constants.ts';
import { cm2PerS, cm3PerMol, eVPerParticle, GPa, gPerCm3, gPerMol, mAhPerG, MPa, mScm } from '../units/index.ts';

export interface Prop {
  readonly value: number;
  readonly unit: string;
  readonly source: string;
  readonly assumption?: boolean;
}

export type MaterialKind =
  | 'cathode_active'
  | 'solid_electrolyte'
  | 'binder'
  | 'conductive_additive'
  | 'collector'
  | 'anode_metal'
  | 'li_al_phase'
  | 'protective_layer'
  | 'carrier';

export interface Material {
  readonly id: string;
  readonly name: string;
  readonly kind: MaterialKind;
  readonly formula?: string;
  readonly aliases?: readonly string[];
  /** kg m⁻³ (fully dense) */
  readonly density: Prop;
  /** kg mol⁻¹ (per formula unit) */
  readonly molarMass?: Prop;
  /** theoretical specific capacity, C kg⁻¹ */
  readonly theoreticalCapacity?: Prop;
  /** practical reversible specific capacity in a typical window, C kg⁻¹ */
  readonly practicalCapacity?: Prop;
  /** average discharge potential vs Li/Li⁺, V */
  readonly averagePotential?: Prop;
  /** usual upper cut-off vs Li/Li⁺, V */
  readonly upperPotential?: Prop;
  /** usual lower cut-off vs Li/Li⁺, V */
  readonly lowerPotential?: Prop;
  /** Li⁺ conductivity at 25 °C, S m⁻¹ */
  readonly ionicConductivity?: Prop;
  /** activation energy of the ionic conductivity, J mol⁻¹ */
  readonly ionicActivationEnergy?: Prop;
  /** electronic conductivity at 25 °C, S m⁻¹ */
  readonly electronicConductivity?: Prop;
  /** Li chemical diffusivity in the solid at 25 °C, m² s⁻¹ */
  readonly liDiffusivity?: Prop;
  /** Young's modulus, Pa */
  readonly youngsModulus?: Prop;
  /** yield / flow stress, Pa (quasi-static, 25 °C) */
  readonly yieldStress?: Prop;
  /** molar volume per Al atom (Li–Al phases), m³ mol⁻¹ */
  readonly molarVolumePerAl?: Prop;
  /** Li atoms per Al atom (Li–Al phases) */
  readonly liPerAl?: number;
  /** melting point, K */
  readonly meltingPoint?: Prop;
  /** lattice volume change on full delithiation in the usual window (fraction, negative = shrink) */
  readonly latticeVolumeChange?: Prop;
}

const DS = 'shared/data/li-al-ssb-datasheet.md';
const p = (value: number, unit: string, source: string, assumption = false): Prop =>
  assumption ? { value, unit, source, assumption } : { value, unit, source };

/** Theoretical capacity of n Li per formula unit of molar mass M (kg/mol): n·F/M (C kg⁻¹). */
export function theoreticalCapacity(nLi: number, molarMass_kg_mol: number): number {
  return (nLi * FARADAY_C_PER_MOL) / molarMass_kg_mol;
}

function cathode(
  id: string,
  name: string,
  formula: string,
  M_g_mol: number,
  rho_g_cm3: Prop,
  practical_mAh_g: Prop,
  avg_V: Prop,
  upper_V: Prop,
  lower_V: Prop,
  extra: Partial<Material> = {},
): Material {
  return {
    id,
    name,
    kind: 'cathode_active',
    formula,
    density: { ...rho_g_cm3, value: gPerCm3(rho_g_cm3.value), unit: 'kg m^-3' },
    molarMass: p(gPerMol(M_g_mol), 'kg mol^-1', 'computed from IUPAC 2021 standard atomic weights'),
    theoreticalCapacity: p(theoreticalCapacity(1, gPerMol(M_g_mol)), 'C kg^-1', 'computed: 1 Li per formula unit, F/M'),
    practicalCapacity: { ...practical_mAh_g, value: mAhPerG(practical_mAh_g.value), unit: 'C kg^-1' },
    averagePotential: avg_V,
    upperPotential: upper_V,
    lowerPotential: lower_V,
    ...extra,
  };
}

const CHEN = 'Chen et al., J. Electrochem. Soc. 167 (2020) 080534, doi:10.1149/1945-7111/ab9050';
const NOH =
  'Noh et al., J. Power Sources 233 (2013) 121, doi:10.1016/j.jpowsour.2013.01.063 (capacity vs Ni content, 3.0–4.3 V)';
const LNMO_REF = 'Pan et al., J. Power Sources 288 (2015) 353 (via ' + DS + ' §4.1)';

const MATERIALS: readonly Material[] = [
  // ---------------------------------------------------------------- cathode active materials
  cathode(
    'NCM811',
    'LiNi0.8Co0.1Mn0.1O2',
    'LiNi0.8Co0.1Mn0.1O2',
    97.28,
    p(4.78, 'g cm^-3', DS + ' §4.1 (crystallographic, comp)'),
    p(200, 'mAh g^-1', DS + ' §4.1; ' + NOH),
    p(3.8, 'V', NOH),
    p(4.3, 'V', NOH),
    p(3.0, 'V', NOH),
    {
      liDiffusivity: p(4.0e-15, 'm^2 s^-1', CHEN + ' (LG M50 fit)'),
      youngsModulus: p(
        GPa(199),
        'Pa',
        'Cheng et al., J. Power Sources 357 (2017) 1, doi:10.1016/j.jpowsour.2017.05.003 (NCM, nanoindentation); U',
      ),
      latticeVolumeChange: p(
        -0.051,
        '1',
        'de Biasi et al., Adv. Mater. 31 (2019) 1900985, doi:10.1002/adma.201900985 (NCM811 −5.1 % unit-cell volume at 4.3–4.5 V); U',
      ),
      electronicConductivity: p(1e-3, 'S m^-1', 'order of magnitude for delithiated NCM, assumption', true),
    },
  ),
  cathode(
    'NCM622',
    'LiNi0.6Co0.2Mn0.2O2',
    'LiNi0.6Co0.2Mn0.2O2',
    96.93,
    p(4.7, 'g cm^-3', DS + ' §4.1 (comp)'),
    p(180, 'mAh g^-1', NOH),
    p(3.75, 'V', NOH),
    p(4.3, 'V', NOH),
    p(3.0, 'V', NOH),
    { latticeVolumeChange: p(-0.03, '1', 'de Biasi et al. 2019 (NCM622 ≈ −2…−3 %); U') },
  ),
  cathode(
    'NCM111',
    'LiNi1/3Co1/3Mn1/3O2',
    'LiNi0.33Co0.33Mn0.33O2',
    96.46,
    p(4.76, 'g cm^-3', 'crystallographic density, ICSD-type value; U', true),
    p(160, 'mAh g^-1', NOH),
    p(3.7, 'V', NOH),
    p(4.3, 'V', NOH),
    p(3.0, 'V', NOH),
    { latticeVolumeChange: p(-0.012, '1', 'de Biasi et al. 2019 (NCM111 ≈ −1.2 %); U') },
  ),
  cathode(
    'NCA',
    'LiNi0.8Co0.15Al0.05O2',
    'LiNi0.8Co0.15Al0.05O2',
    96.08,
    p(4.85, 'g cm^-3', 'crystallographic density of LiNi0.8Co0.15Al0.05O2; U', true),
    p(195, 'mAh g^-1', 'typical 3.0–4.3 V capacity of NCA; assumption', true),
    p(3.7, 'V', 'typical; assumption', true),
    p(4.3, 'V', 'typical; assumption', true),
    p(3.0, 'V', 'typical; assumption', true),
  ),
  cathode(
    'LCO',
    'LiCoO2',
    'LiCoO2',
    97.87,
    p(5.06, 'g cm^-3', 'crystallographic density of LiCoO2 (a=2.816 Å, c=14.05 Å, Z=3); U'),
    p(140, 'mAh g^-1', 'Mizushima et al., Mater. Res. Bull. 15 (1980) 783 (x≈0.5 reversible); U'),
    p(3.9, 'V', 'Mizushima et al. 1980; U'),
    p(4.2, 'V', 'Mizushima et al. 1980; U'),
    p(3.0, 'V', 'typical; assumption', true),
  ),
  cathode(
    'LNO',
    'LiNiO2',
    'LiNiO2',
    97.63,
    p(4.78, 'g cm^-3', 'crystallographic density; U', true),
    p(220, 'mAh g^-1', 'typical 3.0–4.3 V; assumption', true),
    p(3.8, 'V', 'typical; assumption', true),
    p(4.3, 'V', 'typical; assumption', true),
    p(3.0, 'V', 'typical; assumption', true),
  ),
  cathode(
    'LFP',
    'LiFePO4',
    'LiFePO4',
    157.76,
    p(
      3.6,
      'g cm^-3',
      'Padhi, Nanjundaswamy, Goodenough, J. Electrochem. Soc. 144 (1997) 1188, doi:10.1149/1.1837571 (olivine); U',
    ),
    p(160, 'mAh g^-1', 'typical carbon-coated LFP; Padhi et al. 1997 (theory 170); U'),
    p(3.43, 'V', 'Padhi et al. 1997 (3.4–3.45 V plateau)'),
    p(3.8, 'V', 'typical; assumption', true),
    p(2.5, 'V', 'typical; assumption', true),
  ),
  cathode(
    'LNMO',
    'LiNi0.5Mn1.5O4',
    'LiNi0.5Mn1.5O4',
    182.69,
    p(4.45, 'g cm^-3', DS + ' §4.1 (a = 8.17 Å, Z = 8, comp)'),
    p(135, 'mAh g^-1', LNMO_REF + ' (142 max at 5C/55 °C)'),
    p(4.7, 'V', DS + ' §4.1 (Ni2+/Ni4+ plateau); U'),
    p(4.9, 'V', 'typical; assumption', true),
    p(3.5, 'V', 'typical; assumption', true),
    { aliases: ['LiNi0.5Mn1.5O4', 'LMNO', 'high-voltage spinel'] },
  ),
  cathode(
    'LMO',
    'LiMn2O4',
    'LiMn2O4',
    180.81,
    p(4.28, 'g cm^-3', 'crystallographic density; U', true),
    p(120, 'mAh g^-1', 'Thackeray, Prog. Solid State Chem. 25 (1997) 1; U'),
    p(4.0, 'V', 'Thackeray 1997; U'),
    p(4.3, 'V', 'typical; assumption', true),
    p(3.5, 'V', 'typical; assumption', true),
  ),

  // ---------------------------------------------------------------- solid electrolytes
  {
    id: 'Li6PS5Cl',
    name: 'Li6PS5Cl argyrodite',
    kind: 'solid_electrolyte',
    formula: 'Li6PS5Cl',
    aliases: ['LPSCl', 'argyrodite'],
    density: p(gPerCm3(1.865), 'kg m^-3', DS + ' §4.2 (crystallographic, a = 9.85 Å, Z = 4; see C4)'),
    molarMass: p(gPerMol(268.4), 'kg mol^-1', 'computed'),
    ionicConductivity: p(mScm(2.0), 'S m^-1', DS + ' §4.2: 1–4 mS/cm cold-pressed RT (Hanghofer et al., PCCP 2019)'),
    ionicActivationEnergy: p(
      eVPerParticle(0.35),
      'J mol^-1',
      DS + ' §4.2 (0.3–0.4 eV, Kraft et al. JACS 140 (2018) 16330); U',
    ),
    electronicConductivity: p(1e-7, 'S m^-1', DS + ' §4.2 (1e-9–1e-8 S/cm); U'),
    youngsModulus: p(
      GPa(22),
      'Pa',
      'Sakuda et al., Sci. Rep. 3 (2013) 2261, doi:10.1038/srep02261 (sulfides 18–25 GPa); U',
    ),
    upperPotential: p(
      2.5,
      'V',
      'intrinsic oxidation onset ≈ 2.5 V vs Li (Zhu, He, Mo, ACS AMI 7 (2015) 23685, doi:10.1021/acsami.5b07517) — kinetically stabilised in practice; U',
    ),
  },
  {
    id: 'Li3PS4',
    name: 'β-Li3PS4',
    kind: 'solid_electrolyte',
    formula: 'Li3PS4',
    aliases: ['LPS', '75Li2S-25P2S5'],
    density: p(gPerCm3(1.87), 'kg m^-3', 'β-Li3PS4 crystallographic; U', true),
    molarMass: p(gPerMol(180.03), 'kg mol^-1', 'computed'),
    ionicConductivity: p(
      mScm(0.16),
      'S m^-1',
      'Liu et al., J. Am. Chem. Soc. 135 (2013) 975, doi:10.1021/ja3110895 (nanoporous β-Li3PS4, 1.6e-4 S/cm)',
    ),
    ionicActivationEnergy: p(eVPerParticle(0.36), 'J mol^-1', 'Liu et al. 2013; U'),
    youngsModulus: p(GPa(23), 'Pa', 'Sakuda et al. 2013; U'),
  },
  {
    id: 'Li10GeP2S12',
    name: 'Li10GeP2S12 (LGPS)',
    kind: 'solid_electrolyte',
    formula: 'Li10GeP2S12',
    aliases: ['LGPS'],
    density: p(gPerCm3(2.04), 'kg m^-3', 'Kamaya et al., Nat. Mater. 10 (2011) 682 (crystallographic); U'),
    molarMass: p(gPerMol(588.7), 'kg mol^-1', 'computed'),
    ionicConductivity: p(mScm(12), 'S m^-1', 'Kamaya et al., Nat. Mater. 10 (2011) 682, doi:10.1038/nmat3066'),
    ionicActivationEnergy: p(eVPerParticle(0.25), 'J mol^-1', 'Kamaya et al. 2011'),
    youngsModulus: p(GPa(37), 'Pa', 'DFT elastic constants of LGPS; assumption', true),
  },
  {
    id: 'LLZO',
    name: 'Ta-doped Li7La3Zr2O12 (garnet)',
    kind: 'solid_electrolyte',
    formula: 'Li7La3Zr2O12',
    aliases: ['Li7La3Zr2O12', 'garnet'],
    density: p(gPerCm3(5.1), 'kg m^-3', 'cubic LLZO crystallographic; U'),
    molarMass: p(gPerMol(839.75), 'kg mol^-1', 'computed'),
    ionicConductivity: p(
      mScm(0.3),
      'S m^-1',
      'Murugan, Thangadurai, Weppner, Angew. Chem. Int. Ed. 46 (2007) 7778, doi:10.1002/anie.200701144',
    ),
    ionicActivationEnergy: p(eVPerParticle(0.32), 'J mol^-1', 'Murugan et al. 2007'),
    youngsModulus: p(GPa(150), 'Pa', 'Ni et al., J. Mater. Sci. 47 (2012) 7978 (LLZO ≈ 150 GPa); U'),
  },
  {
    id: 'LATP',
    name: 'Li1.3Al0.3Ti1.7(PO4)3 (NASICON)',
    kind: 'solid_electrolyte',
    formula: 'Li1.3Al0.3Ti1.7(PO4)3',
    density: p(gPerCm3(2.94), 'kg m^-3', 'crystallographic; U', true),
    molarMass: p(gPerMol(383.4), 'kg mol^-1', 'computed'),
    ionicConductivity: p(
      mScm(0.7),
      'S m^-1',
      'Aono et al., J. Electrochem. Soc. 137 (1990) 1023, doi:10.1149/1.2086597',
    ),
    ionicActivationEnergy: p(eVPerParticle(0.3), 'J mol^-1', 'Aono et al. 1990; U'),
    youngsModulus: p(GPa(115), 'Pa', 'Jackman & Cutler, J. Power Sources 218 (2012) 65; U'),
  },
  {
    id: 'Li3InCl6',
    name: 'Li3InCl6 (halide)',
    kind: 'solid_electrolyte',
    formula: 'Li3InCl6',
    density: p(gPerCm3(2.59), 'kg m^-3', 'crystallographic; U', true),
    molarMass: p(gPerMol(348.3), 'kg mol^-1', 'computed'),
    ionicConductivity: p(
      mScm(1.49),
      'S m^-1',
      'Li et al., Energy Environ. Sci. 12 (2019) 2665, doi:10.1039/C9EE02311A',
    ),
    ionicActivationEnergy: p(eVPerParticle(0.35), 'J mol^-1', 'Li et al. 2019; U'),
    youngsModulus: p(GPa(30), 'Pa', 'halide electrolytes; assumption', true),
    upperPotential: p(4.3, 'V', 'oxidation stability of chlorides ≈ 4.3 V; U'),
  },
  {
    id: 'PEO-LiTFSI',
    name: 'PEO–LiTFSI (EO:Li = 20)',
    kind: 'solid_electrolyte',
    aliases: ['PEO'],
    density: p(gPerCm3(1.25), 'kg m^-3', 'typical PEO–LiTFSI film; assumption', true),
    ionicConductivity: p(
      1e-3,
      'S m^-1',
      'RT ≈ 1e-5 S/cm; Xue et al., J. Mater. Chem. A 3 (2015) 19218, doi:10.1039/C5TA03471J; U',
    ),
    ionicActivationEnergy: p(60e3, 'J mol^-1', 'VTF behaviour approximated by Arrhenius near RT; assumption', true),
    youngsModulus: p(MPa(100), 'Pa', 'order of magnitude; assumption', true),
    upperPotential: p(3.9, 'V', 'PEO oxidation ≈ 3.8–4 V; U'),
  },

  // ---------------------------------------------------------------- binders & conductive additives
  {
    id: 'PVDF',
    name: 'poly(vinylidene fluoride)',
    kind: 'binder',
    density: p(gPerCm3(1.78), 'kg m^-3', 'polymer handbook value; U'),
  },
  {
    id: 'PTFE',
    name: 'polytetrafluoroethylene (dry-process fibrillated)',
    kind: 'binder',
    density: p(gPerCm3(2.2), 'kg m^-3', 'polymer handbook value; U'),
  },
  {
    id: 'SBR',
    name: 'styrene–butadiene rubber',
    kind: 'binder',
    density: p(gPerCm3(0.94), 'kg m^-3', 'polymer handbook value; U'),
  },
  {
    id: 'NBR',
    name: 'nitrile butadiene rubber',
    kind: 'binder',
    density: p(gPerCm3(1.0), 'kg m^-3', 'polymer handbook value; U'),
  },
  {
    id: 'carbon_black',
    name: 'carbon black (Super P type)',
    kind: 'conductive_additive',
    aliases: ['SuperP', 'Super P', 'CB'],
    density: p(gPerCm3(1.9), 'kg m^-3', 'skeletal density of carbon black; U'),
    electronicConductivity: p(1e3, 'S m^-1', 'pressed powder order of magnitude; assumption', true),
  },
  {
    id: 'VGCF',
    name: 'vapour-grown carbon fibre',
    kind: 'conductive_additive',
    aliases: ['CNF'],
    density: p(gPerCm3(2.0), 'kg m^-3', 'Showa Denko VGCF datasheet; U'),
    electronicConductivity: p(1e4, 'S m^-1', 'order of magnitude; assumption', true),
  },

  // ---------------------------------------------------------------- metals and collectors
  {
    id: 'Li',
    name: 'lithium metal',
    kind: 'anode_metal',
    formula: 'Li',
    density: p(gPerCm3(0.534), 'kg m^-3', DS + ' §2.1'),
    molarMass: p(gPerMol(6.94), 'kg mol^-1', 'IUPAC 2021'),
    theoreticalCapacity: p(theoreticalCapacity(1, gPerMol(6.94)), 'C kg^-1', 'computed F/M (3861 mAh/g)'),
    youngsModulus: p(GPa(7.8), 'Pa', 'Masias et al., J. Mater. Sci. 54 (2019) 2585, doi:10.1007/s10853-018-2971-3; U'),
    yieldStress: p(MPa(0.8), 'Pa', 'Masias et al. 2019 (0.73–0.81 MPa); U'),
    meltingPoint: p(453.65, 'K', 'CRC Handbook of Chemistry and Physics (180.5 °C)'),
    electronicConductivity: p(1.08e7, 'S m^-1', 'CRC Handbook (ρ = 92.8 nΩ m)'),
  },
  {
    id: 'Al',
    name: 'aluminium',
    kind: 'collector',
    formula: 'Al',
    density: p(gPerCm3(2.699), 'kg m^-3', DS + ' §2.1'),
    molarMass: p(gPerMol(26.98), 'kg mol^-1', 'IUPAC 2021'),
    theoreticalCapacity: p(theoreticalCapacity(1, gPerMol(26.98)), 'C kg^-1', 'computed: Al → LiAl, F/M (993 mAh/g)'),
    youngsModulus: p(GPa(70), 'Pa', DS + ' §3.2; U'),
    yieldStress: p(MPa(35), 'Pa', DS + ' §3.2 (annealed O temper 30–40 MPa); U'),
    meltingPoint: p(933.47, 'K', 'CRC Handbook'),
    electronicConductivity: p(3.77e7, 'S m^-1', 'CRC Handbook'),
    molarVolumePerAl: p(cm3PerMol(9.997), 'm^3 mol^-1', DS + ' §2.1 (M/ρ)'),
    liPerAl: 0,
  },
  {
    id: 'Cu',
    name: 'copper',
    kind: 'collector',
    formula: 'Cu',
    density: p(gPerCm3(8.96), 'kg m^-3', 'CRC Handbook'),
    molarMass: p(gPerMol(63.546), 'kg mol^-1', 'IUPAC 2021'),
    youngsModulus: p(GPa(70), 'Pa', 'Zhu, Feng, Guo, RSC Adv. 4 (2014) 57671, doi:10.1039/c4ra07675c (ED foil)'),
    yieldStress: p(MPa(250), 'Pa', DS + ' §3.3 (ED foil 200–300 MPa); U'),
    electronicConductivity: p(5.96e7, 'S m^-1', 'CRC Handbook'),
  },
  {
    id: 'Ni',
    name: 'nickel',
    kind: 'collector',
    formula: 'Ni',
    density: p(gPerCm3(8.908), 'kg m^-3', 'CRC Handbook'),
    youngsModulus: p(GPa(200), 'Pa', 'CRC Handbook'),
    yieldStress: p(MPa(150), 'Pa', 'annealed Ni 200 foil; U', true),
    electronicConductivity: p(1.43e7, 'S m^-1', 'CRC Handbook'),
  },
  {
    id: 'Ti',
    name: 'titanium',
    kind: 'collector',
    formula: 'Ti',
    density: p(gPerCm3(4.506), 'kg m^-3', 'CRC Handbook'),
    youngsModulus: p(GPa(116), 'Pa', 'CRC Handbook'),
    yieldStress: p(MPa(275), 'Pa', 'grade 2 Ti; U', true),
    electronicConductivity: p(2.38e6, 'S m^-1', 'CRC Handbook'),
  },
  {
    id: 'SS',
    name: 'stainless steel (AISI 304)',
    kind: 'collector',
    aliases: ['stainless_steel', 'SUS304', 'steel'],
    density: p(gPerCm3(7.9), 'kg m^-3', 'ASM Handbook, AISI 304'),
    youngsModulus: p(GPa(193), 'Pa', 'ASM Handbook, AISI 304'),
    yieldStress: p(MPa(215), 'Pa', 'ASM Handbook, AISI 304 annealed'),
    electronicConductivity: p(1.39e6, 'S m^-1', 'ASM Handbook, AISI 304'),
  },
  {
    id: 'Ag',
    name: 'silver',
    kind: 'collector',
    formula: 'Ag',
    density: p(gPerCm3(10.49), 'kg m^-3', 'CRC Handbook'),
    youngsModulus: p(GPa(83), 'Pa', 'CRC Handbook'),
    electronicConductivity: p(6.3e7, 'S m^-1', 'CRC Handbook'),
  },

  // ---------------------------------------------------------------- Li–Al phases
  {
    id: 'alpha-Al',
    name: 'α-Al (fcc solid solution, Li/Al ≤ 0.05)',
    kind: 'li_al_phase',
    formula: 'Al',
    aliases: ['α-Al'],
    density: p(gPerCm3(2.699), 'kg m^-3', DS + ' §2.1'),
    molarVolumePerAl: p(cm3PerMol(9.997), 'm^3 mol^-1', DS + ' §2.1'),
    liPerAl: 0,
    liDiffusivity: p(
      cm2PerS(1e-19),
      'm^2 s^-1',
      DS + ' §1.1: D(β)/D(α) ≈ 1e10 (P1), with D(β) ≈ 1e-9 cm²/s (assump)',
      true,
    ),
    youngsModulus: p(GPa(70), 'Pa', DS + ' §3.2; U'),
  },
  {
    id: 'LiAl',
    name: 'β-LiAl (B32)',
    kind: 'li_al_phase',
    formula: 'LiAl',
    aliases: ['beta-LiAl', 'β-LiAl', 'AlLi'],
    density: p(gPerCm3(1.743), 'kg m^-3', DS + ' §2.1 (a = 6.37 Å, comp)'),
    molarVolumePerAl: p(cm3PerMol(19.46), 'm^3 mol^-1', DS + ' §2.1 (comp)'),
    liPerAl: 1,
    liDiffusivity: p(
      cm2PerS(1e-9),
      'm^2 s^-1',
      DS + ' §2.3 working value for RT β-LiAl (assump; range 1e-10–1e-8 cm²/s)',
      true,
    ),
    youngsModulus: p(GPa(70), 'Pa', DS + ' §2.5 placeholder 60–80 GPa', true),
    averagePotential: p(
      0.385,
      'V',
      DS + ' §2.2: E = 451 − 0.220·T mV (Huggins), 25 °C; the full OCP is in materials/ocp',
    ),
  },
  {
    id: 'Li3Al2',
    name: 'Li3Al2',
    kind: 'li_al_phase',
    formula: 'Li3Al2',
    density: p(gPerCm3(1.485), 'kg m^-3', DS + ' §2.1 (comp)'),
    molarVolumePerAl: p(cm3PerMol(25.19), 'm^3 mol^-1', DS + ' §2.1 (comp)'),
    liPerAl: 1.5,
    youngsModulus: p(GPa(60), 'Pa', 'assumption (brittle intermetallic)', true),
  },
  {
    id: 'Li9Al4',
    name: 'Li9Al4',
    kind: 'li_al_phase',
    formula: 'Li9Al4',
    density: p(gPerCm3(1.27), 'kg m^-3', DS + ' §2.1 (comp)'),
    molarVolumePerAl: p(cm3PerMol(33.55), 'm^3 mol^-1', DS + ' §2.1 (comp)'),
    liPerAl: 2.25,
    youngsModulus: p(GPa(45), 'Pa', 'assumption (brittle intermetallic)', true),
  },

  // ---------------------------------------------------------------- protective layers, carriers
  {
    id: 'LiNbO3',
    name: 'LiNbO3 cathode coating',
    kind: 'protective_layer',
    formula: 'LiNbO3',
    density: p(gPerCm3(4.64), 'kg m^-3', 'CRC Handbook'),
    ionicConductivity: p(
      1e-4,
      'S m^-1',
      'amorphous LiNbO3 ≈ 1e-6 S/cm; Glass et al., Appl. Phys. Lett. 31 (1977) 249; U',
    ),
  },
  {
    id: 'Li2ZrO3',
    name: 'Li2ZrO3 cathode coating',
    kind: 'protective_layer',
    formula: 'Li2ZrO3',
    density: p(gPerCm3(4.15), 'kg m^-3', 'crystallographic; U', true),
  },
  {
    id: 'PET',
    name: 'polyethylene terephthalate carrier film',
    kind: 'carrier',
    density: p(gPerCm3(1.38), 'kg m^-3', 'polymer handbook; U'),
  },
  {
    id: 'PP',
    name: 'polypropylene carrier film',
    kind: 'carrier',
    density: p(gPerCm3(0.905), 'kg m^-3', 'polymer handbook; U'),
  },
];

const BY_ID = new Map<string, Material>();
for (const m of MATERIALS) {
  BY_ID.set(m.id.toLowerCase(), m);
  for (const a of m.aliases ?? []) BY_ID.set(a.toLowerCase(), m);
}

export function allMaterials(): readonly Material[] {
  return MATERIALS;
}

export function materialIds(kind?: MaterialKind | readonly MaterialKind[]): string[] {
  const kinds = kind === undefined ? null : Array.isArray(kind) ? kind : [kind];
  return MATERIALS.filter((m) => kinds === null || kinds.includes(m.kind)).map((m) => m.id);
}

/** Levenshtein edit distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d = new Array<number>(t.length + 1);
  for (let j = 0; j <= t.length; j++) d[j] = j;
  for (let i = 1; i <= s.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= t.length; j++) {
      const tmp = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (s[i - 1] === t[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[t.length]!;
}

/** The closest known name to `name` among `candidates`, or undefined when nothing is close. */
export function suggest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const dist = editDistance(name, c);
    if (dist < bestD) {
      bestD = dist;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** an id the library does not know: the one error value (the recipe maps it onto its field's path) */
export class UnknownMaterialError extends ProblemError {
  constructor(
    readonly id: string,
    readonly kind: MaterialKind | readonly MaterialKind[] | undefined,
    readonly suggestion?: string,
  ) {
    super({
      path: 'material',
      problem: `unknown material${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
      got: JSON.stringify(id),
      allowed: materialIds(kind as MaterialKind).join(', '),
    });
    this.name = 'UnknownMaterialError';
  }
}

/** Looks a material up by id or alias (case-insensitive), optionally requiring a kind. */
export function getMaterial(id: string, kind?: MaterialKind | readonly MaterialKind[]): Material {
  const m = BY_ID.get(id.toLowerCase());
  const kinds = kind === undefined ? null : Array.isArray(kind) ? kind : [kind];
  if (!m || (kinds && !kinds.includes(m.kind))) {
    const names = MATERIALS.filter((x) => !kinds || kinds.includes(x.kind)).flatMap((x) => [
      x.id,
      ...(x.aliases ?? []),
    ]);
    throw new UnknownMaterialError(id, kind, suggest(id, names));
  }
  return m;
}

export function hasMaterial(id: string, kind?: MaterialKind | readonly MaterialKind[]): boolean {
  try {
    getMaterial(id, kind);
    return true;
  } catch {
    return false;
  }
}
