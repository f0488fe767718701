import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses CLI flags, or prints the usage and exits 2 on a mistake. */
export function cliArgs<T extends Options>(usage: string, options: T) {
  try {
    return parseArgs({ options, allowPositionals: true, strict: true });
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${usage}`);
    process.exit(2);
  }
}

export function fail(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}
