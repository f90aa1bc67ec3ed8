// The commented image-factory.yaml `image-factory init` writes: every setting is there, commented
// out, and uncommenting every setting line gives a valid file holding exactly the defaults.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SettingsSchema } from '../src/schema/settings.js';
import { renderSettingsReference } from '../src/settings-reference.js';

/** `  # key: value` and `  # key:` are settings; descriptions are sentences. */
const SETTING_LINE = /^(\s*)# ([A-Za-z]+:(?: .*)?)$/;

function uncommented(text: string): string {
  return text
    .split('\n')
    .flatMap((line) => {
      const match = SETTING_LINE.exec(line);
      return match ? [`${match[1]}${match[2]}`] : [];
    })
    .join('\n');
}

describe('renderSettingsReference', () => {
  const text = renderSettingsReference(['# yaml-language-server: $schema=settings.schema.json']);

  it('is all comments: the file changes nothing', () => {
    expect(parse(text)).toBeNull();
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=settings.schema.json');
  });

  it('uncommented, holds every setting with its default (and an example where there is none)', () => {
    const document = parse(uncommented(text)) as Record<string, Record<string, unknown>>;
    const parsed = SettingsSchema.parse(document);
    expect(parsed).toEqual({
      ...SettingsSchema.parse({}),
      analysis: {
        ...SettingsSchema.parse({}).analysis,
        resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      },
      warehouses: { ...SettingsSchema.parse({}).warehouses, platform: 'linux/amd64' },
      stateRepo: { url: 'https://github.com/<owner>/<repository>.git', branch: 'main' },
    });
    // Every top-level setting of the schema appears.
    expect(Object.keys(document).sort()).toEqual(Object.keys(SettingsSchema.shape).sort());
  });

  it('describes each setting', () => {
    expect(text).toContain('  # Discovery interval of base-image Warehouses.\n  # baseInterval: 24h\n');
    expect(text).toContain('    # ref: "@image-factory/analyzer-cli@');
  });
});
