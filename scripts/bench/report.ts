// The callback a bench suite uses to hand its figures to the runner.
export type Report = (name: string, value: number, unit: string) => void;
