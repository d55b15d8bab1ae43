/**
 * Starter frameworks a researcher can load as the first codebook: the seed study's topic guide with
 * the report's findings as codes, CFIR 2.0, NASSS and RE-AIM. Each ships names, short paraphrased definitions and a
 * citation (docs/domain/qualitative-analysis.md: "ship names, short paraphrased definitions and citations").
 * The JSON files in frameworks/ are the data; a new framework is one new file added to STARTER_FRAMEWORKS.
 */
import topicGuide from './frameworks/topic-guide.json' with { type: 'json' };
import cfir from './frameworks/cfir-2.json' with { type: 'json' };
import nasss from './frameworks/nasss.json' with { type: 'json' };
import reAim from './frameworks/re-aim.json' with { type: 'json' };

export interface FrameworkCode {
  name: string;
  definition?: string;
  include?: string;
  exclude?: string;
  example?: string;
  children?: FrameworkCode[];
}

export interface FrameworkCategory {
  name: string;
  description?: string;
  codes: FrameworkCode[];
}

export interface StarterFramework {
  id: string;
  name: string;
  citation: string;
  description: string;
  categories: FrameworkCategory[];
}

export const STARTER_FRAMEWORKS: readonly StarterFramework[] = [topicGuide, cfir, nasss, reAim];

export function starterFramework(id: string): StarterFramework {
  const found = STARTER_FRAMEWORKS.find((f) => f.id === id);
  if (!found)
    throw new Error(`No starter framework "${id}" (there are: ${STARTER_FRAMEWORKS.map((f) => f.id).join(', ')})`);
  return found;
}
