export * from './schema.ts';
export * from './parse.ts';
export * from './windows.ts';
