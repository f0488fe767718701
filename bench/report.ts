/** How a bench part reports: a measured figure (with its goal, if any), or a note for the reader. */
export type Recorder = (metric: string, value: number, unit: string, goal?: string, pass?: boolean | null) => void;

export interface Output {
  record: Recorder;
  note: (text: string) => void;
}
