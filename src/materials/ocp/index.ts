export * from './li-al.ts';
export * from './cathodes.ts';
