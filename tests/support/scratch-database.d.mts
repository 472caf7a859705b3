export function createScratchDatabase(name: string): Promise<string>;
export function dropScratchDatabase(name: string): Promise<void>;
