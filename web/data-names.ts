/** Names of the published data files that the builder and the pages share. */

/** NAME.metadata.json beside NAME.csv. */
export const sidecarPath = (csvPath: string) => csvPath.replace(/\.csv$/, '.metadata.json');

export const isSidecar = (path: string) => path.endsWith('.metadata.json');
