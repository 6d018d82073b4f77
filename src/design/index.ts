/**
 * Cell design from a recipe, BEFORE processing: per-layer areal mass and thickness, cathode active mass
 * and areal capacity, Al alloying capacity, Li inventory, N/P ratio, Li:Al molar ratio, cell thickness,
 * mass, Wh/kg and Wh/L (cell, and the stack of cells of the battery block). Pure functions, SI only;
 * src/present/design.ts `designBlock` converts to the CONTRACT's units.
 */
import { liAlHostLimit, liAlOcp } from '../materials/ocp/li-al.ts';
import type { Recipe } from '../recipe/schema.ts';
import type { LayerRole } from '../recipe/layers.ts';
import { getMaterial, type Material } from '../materials/library.ts';
import { FARADAY_C_PER_MOL as F } from '../materials/constants.ts';
import { celsius, fromPct, mgPerCm2, mm, um } from '../units/index.ts';

export interface LayerDesign {
  /** what the layer is (cathode, electrolyte, collector, al, li, conductor) */
  role: LayerRole;
  /** name as in FIG. 1/2 of the seed */
  name: string;
  material: string;
  thickness_m: number;
  /** kg m⁻² */
  arealMass_kg_m2: number;
  porosity: number;
}

export interface CellDesign {
  layers: LayerDesign[];
  area_m2: number;
  thickness_m: number;
  mass_kg: number;
  cathode: {
    activeMass_kg_m2: number;
    compositeDensity_kg_m3: number;
    /** volume fractions of the composite: active, electrolyte, carbon, binder, pores */
    volumeFractions: { active: number; electrolyte: number; conductive: number; binder: number; pores: number };
    thickness_m: number;
    /** practical areal capacity, C m⁻² */
    arealCapacity_C_m2: number;
    /** theoretical areal capacity, C m⁻² */
    theoreticalArealCapacity_C_m2: number;
    averagePotential_V: number;
  };
  anode: {
    al_mol_m2: number;
    li_mol_m2: number;
    liAlMolarRatio: number;
    alThickness_m: number;
    liThickness_m: number;
    /** capacity of the Al to take Li up to β-LiAl (x = 1), C m⁻² */
    alHostCapacity_C_m2: number;
    /**
     * host capacity left after the prelithiation at the cell temperature, C m⁻²: Li the anode can still take
     * before Li plates as metal (materials/ocp `liAlHostLimit`: β-LiAl, x = 1, at RT — the Li-rich phases
     * do not form electrochemically at RT, li-al.json `formsAtRT` — minus the Li:Al the anode holds)
     */
    remainingHostCapacity_C_m2: number;
    /** Li inventory of the anode as charge, C m⁻² */
    liInventory_C_m2: number;
    /** anode potential used for the design's energy estimate, V vs Li */
    designPotential_V: number;
  };
  /** N/P: the anode's remaining host capacity after prelithiation over the cathode's practical capacity */
  npRatio: number;
  /** the former N/P: the empty Al → LiAl host over the cathode capacity (ignores the prelithiation) */
  npRatioEmptyAl: number;
  capacity_C: number;
  energy_J: number;
  averageVoltage_V: number;
  specificEnergy_J_kg: number;
  energyDensity_J_m3: number;
}

const density = (id: string): number => getMaterial(id).density.value;

/**
 * Anode potential (V vs Li) for a design estimate from the Li:Al molar ratio x after prelithiation: the
 * Li–Al OCP of src/materials/ocp/li-al.ts with the phases the line model forms (equilibrium alloying:
 * the roll-bonding heat and the dwell take Li-rich anodes through β-LiAl into Li3Al2 / Li9Al4 —
 * src/process/alloying.ts), i.e. ≈ 0.385 V on the α/β plateau (x < 0.95), the β slope to x = 1,
 * ≈ 0.10 V for 1 < x < 1.5 (β + Li3Al2), ≈ 0.05 V for 1.5 < x < 2.25, 0 V beyond (free Li).
 * The cycling model uses the same OCP with the produced cell's actual phase fractions.
 */
export function anodeDesignPotential(liAl: number, T_K: number): number {
  return liAlOcp(liAl, T_K, { hysteresis_V: 0 }).U;
}

export function designCell(r: Recipe): CellDesign {
  const layers: LayerDesign[] = [];
  const fs = r.first_sheet;
  const c = fs.cathode;
  const am = getMaterial(c.active_material);
  const se = getMaterial(c.electrolyte);
  const cc = getMaterial(c.conductive_additive);
  const bi = getMaterial(c.binder);
  const w = c.composition_wt_pct;
  // volume per kg of solid mixture
  const vA = fromPct(w.active) / am.density.value;
  const vE = fromPct(w.electrolyte) / se.density.value;
  const vC = fromPct(w.conductive) / cc.density.value;
  const vB = fromPct(w.binder) / bi.density.value;
  const vSolid = vA + vE + vC + vB; // m³ per kg of solids
  const phiSolid = 1 - fromPct(c.porosity_pct);
  const compositeDensity = phiSolid / vSolid; // kg m⁻³ of layer
  let cathodeThickness: number;
  let activeMass: number;
  if (c.thickness_um !== undefined) {
    cathodeThickness = um(c.thickness_um);
    activeMass = compositeDensity * cathodeThickness * fromPct(w.active);
  } else {
    activeMass = mgPerCm2(c.loading_mg_cm2 as number);
    cathodeThickness = activeMass / fromPct(w.active) / compositeDensity;
  }
  const volumeFractions = {
    active: (vA / vSolid) * phiSolid,
    electrolyte: (vE / vSolid) * phiSolid,
    conductive: (vC / vSolid) * phiSolid,
    binder: (vB / vSolid) * phiSolid,
    pores: 1 - phiSolid,
  };
  if (fs.current_collector) {
    const t = um(fs.current_collector.thickness_um);
    layers.push({
      role: 'collector',
      name: 'cathode current collector (208)',
      material: fs.current_collector.material,
      thickness_m: t,
      arealMass_kg_m2: t * density(fs.current_collector.material),
      porosity: 0,
    });
  }
  layers.push({
    role: 'cathode',
    name: 'cathode layer (202)',
    material: c.active_material,
    thickness_m: cathodeThickness,
    arealMass_kg_m2: compositeDensity * cathodeThickness,
    porosity: fromPct(c.porosity_pct),
  });
  const sl = fs.electrolyte_layer;
  const slT = um(sl.thickness_um);
  layers.push({
    role: 'electrolyte',
    name: 'solid electrolyte layer (206)',
    material: sl.material,
    thickness_m: slT,
    arealMass_kg_m2: slT * density(sl.material) * (1 - fromPct(sl.porosity_pct)),
    porosity: fromPct(sl.porosity_pct),
  });

  // Al-containing sheet (224)
  const a = r.al_sheet;
  const alT = um(a.thickness_um);
  const al = getMaterial('Al');
  let alMass: number; // kg m⁻² of Al metal
  let alSheetMass: number;
  let alPorosity = 0;
  if (a.form === 'foil') {
    alMass = alT * al.density.value * fromPct(a.purity_pct);
    alSheetMass = alT * al.density.value;
  } else {
    const pcfg = a.particles ?? { binder: 'PVDF', binder_wt_pct: 5, porosity_pct: 30, particle_diameter_um: 3 };
    const b = getMaterial(pcfg.binder);
    const vAl = (1 - fromPct(pcfg.binder_wt_pct)) / al.density.value;
    const vBi = fromPct(pcfg.binder_wt_pct) / b.density.value;
    const rho = (1 - fromPct(pcfg.porosity_pct)) / (vAl + vBi);
    alSheetMass = rho * alT;
    alMass = alSheetMass * (1 - fromPct(pcfg.binder_wt_pct)) * fromPct(a.purity_pct);
    alPorosity = fromPct(pcfg.porosity_pct);
  }
  layers.push({
    role: 'al',
    name: a.form === 'foil' ? 'Al foil (224)' : 'Al particles + binder (224)',
    material: 'Al',
    thickness_m: alT,
    arealMass_kg_m2: alSheetMass,
    porosity: alPorosity,
  });

  // third sheet (230): Li-containing layer (232) on a conductive layer (234)
  const t3 = r.third_sheet;
  const liT = um(t3.li_layer.thickness_um);
  const li = getMaterial('Li');
  // a Li alloy layer of li_wt_pct: take the layer density as Li's (alloying additions are minor, ≤ 20 wt %) — assumption
  const liLayerMass = liT * li.density.value;
  const liMass = liLayerMass * fromPct(t3.li_layer.li_wt_pct);
  const cu = t3.conductive_layer;
  const cuT = um(cu.thickness_um);
  const liLayer: LayerDesign = {
    role: 'li',
    name: 'Li-containing layer (232)',
    material: 'Li',
    thickness_m: liT,
    arealMass_kg_m2: liLayerMass,
    porosity: 0,
  };
  const cuLayer: LayerDesign = {
    role: 'conductor',
    name: 'conductive layer (234)',
    material: cu.material,
    thickness_m: cuT,
    arealMass_kg_m2: cuT * density(cu.material),
    porosity: 0,
  };
  if (t3.facing_al === 'li_layer') layers.push(liLayer, cuLayer);
  else layers.push(cuLayer, liLayer);

  const al_mol = alMass / (al.molarMass as NonNullable<Material['molarMass']>).value;
  const li_mol = liMass / (li.molarMass as NonNullable<Material['molarMass']>).value;
  const liAl = li_mol / al_mol;
  const T = celsius(r.cell.temperature_C);

  const area = mm(r.cell.width_mm) * mm(r.cell.length_mm);
  const thickness = layers.reduce((s, l) => s + l.thickness_m, 0);
  const stackMass = layers.reduce((s, l) => s + l.arealMass_kg_m2, 0) * area;
  const mass = stackMass * (1 + r.cell.packaging_mass_fraction);

  const practical = (am.practicalCapacity ?? am.theoreticalCapacity)!.value; // C kg⁻¹
  const theoretical = am.theoreticalCapacity!.value;
  const arealCap = activeMass * practical;
  const cathodeV = am.averagePotential!.value;
  const anodeV = anodeDesignPotential(liAl, T);
  const avgV = cathodeV - anodeV;
  const capacity = arealCap * area;
  const energy = capacity * avgV;
  const alHost = al_mol * F;
  // the host capacity LEFT after prelithiation: the Li-richest phase lithiation forms at the cell's
  // temperature (β-LiAl at RT) minus the Li the anode already holds; beyond it Li plates as metal
  const remainingHost = Math.max(0, liAlHostLimit(T) - liAl) * al_mol * F;
  return {
    layers,
    area_m2: area,
    thickness_m: thickness,
    mass_kg: mass,
    cathode: {
      activeMass_kg_m2: activeMass,
      compositeDensity_kg_m3: compositeDensity,
      volumeFractions,
      thickness_m: cathodeThickness,
      arealCapacity_C_m2: arealCap,
      theoreticalArealCapacity_C_m2: activeMass * theoretical,
      averagePotential_V: cathodeV,
    },
    anode: {
      al_mol_m2: al_mol,
      li_mol_m2: li_mol,
      liAlMolarRatio: liAl,
      alThickness_m: alT,
      liThickness_m: liT,
      alHostCapacity_C_m2: alHost,
      remainingHostCapacity_C_m2: remainingHost,
      liInventory_C_m2: li_mol * F,
      designPotential_V: anodeV,
    },
    npRatio: remainingHost / arealCap,
    npRatioEmptyAl: alHost / arealCap,
    capacity_C: capacity,
    energy_J: energy,
    averageVoltage_V: avgV,
    specificEnergy_J_kg: energy / mass,
    energyDensity_J_m3: energy / (area * thickness),
  };
}
