// A string option whose value is named in help: `[--dir DIR]`, where clipanion writes `[--dir #0]`.
import { Option } from 'clipanion';

// The part of clipanion's command builder (handed to an option's definition hook) used here.
interface UsageBuilder {
  usage(opts?: { detailed?: boolean; inlineOptions?: boolean }): {
    usage: string;
    options: { definition: string; description: string; required: boolean }[];
  };
}

interface OptionSpec {
  definition(builder: UsageBuilder, key: string): void;
}

/**
 * `Option.String(name, { description })`, its value called `placeholder` in every usage line.
 * clipanion 3 always calls it `#0`, with no setting to change that. Each usage line (the list
 * of `--help`, a command's own help, the "did you mean" list after a mistake) is built by the
 * command's builder, so this wraps that builder's usage() when the option is defined on it.
 */
export function valueOption(
  name: `--${string}`,
  placeholder: string,
  description: string,
): string | undefined {
  const option = Option.String(name, { description }) as unknown as OptionSpec;
  const define = option.definition;
  option.definition = (builder, key) => {
    define(builder, key);
    const usage = builder.usage.bind(builder);
    const named = (text: string) => text.replaceAll(`${name} #0`, `${name} ${placeholder}`);
    builder.usage = (opts) => {
      const built = usage(opts);
      return {
        usage: named(built.usage),
        options: built.options.map((o) => ({ ...o, definition: named(o.definition) })),
      };
    };
  };
  return option as unknown as string | undefined;
}
