export * from './format.js';
export * from './redact.js';
export * from './writer.js';
export * from './reader.js';
