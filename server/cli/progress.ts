import cliProgress from 'cli-progress';

/** A progress bar on stderr for long phases; quiet when stderr is not a terminal. */
export function progressBar() {
  const bar = new cliProgress.SingleBar(
    {
      format: '{phase} [{bar}] {percentage}% | {value}/{total} rows',
      stream: process.stderr,
      noTTYOutput: false,
      synchronousUpdate: true,
      fps: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  let phase: string | null = null;
  return {
    update(name: string, done: number, total: number) {
      if (phase !== name) {
        if (phase) bar.stop();
        phase = name;
        bar.start(total, done, { phase: name.padEnd(8) });
      } else bar.update(done);
    },
    stop() {
      if (phase) bar.stop();
    },
  };
}
