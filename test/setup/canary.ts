// Placeholder replaced by the log-canary setup (see issue "Benchmarks and the reliability suite").
export {};
