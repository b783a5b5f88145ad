export * from './economics';
export * from './enums';
export * from './limits';
export * from './read';
export * from './schemas';
