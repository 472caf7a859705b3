export declare const BENCH_HOST: string;
export declare const BENCH_POLICIES: Record<string, string>;
