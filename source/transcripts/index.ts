export * from './format.js';
export * from './reader.js';
export * from './redact.js';
export * from './writer.js';
