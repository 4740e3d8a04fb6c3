/**
 * The structured answer: one zod schema is the contract. It becomes the JSON Schema sent to the providers (reduced
 * to the keywords every one of them accepts: OpenAI strict mode wants every property required and no extra keys),
 * and validates what comes back; a failure names what was wrong so the one repair retry can say it.
 */
import { z } from 'zod';
import type { JsonSchema } from './types.ts';

export const analysisAnswerSchema = z.strictObject({
  summary: z.string().min(1).max(300).describe('One sentence: what is wrong, for a notification.'),
  cause: z.string().min(1).max(2000).describe('The most likely root cause, explained from the evidence.'),
  confidence: z.number().min(0).max(1).describe('How sure the cause is, 0 (a guess) to 1 (certain).'),
  evidence: z
    .array(z.string().min(1).max(400))
    .max(8)
    .describe('Lines of the context that support the cause, quoted exactly.'),
  fix: z.array(z.string().min(1).max(500)).min(1).max(8).describe('Steps to fix it, in order.'),
  links: z
    .array(z.string().max(300))
    .max(5)
    .describe('Documentation pages of the app that help, only from the list given in the context.'),
});

export type AnalysisAnswer = z.infer<typeof analysisAnswerSchema>;

/** Keywords kept in the schema sent: what Ollama, OpenAI strict, Anthropic tools and Gemini all understand. */
const WIRE_KEYS = new Set([
  'type',
  'properties',
  'required',
  'items',
  'additionalProperties',
  'description',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'enum',
]);

function reduce(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(reduce);
  if (!s || typeof s !== 'object') return s;
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(s as JsonSchema)) {
    if (!WIRE_KEYS.has(k)) continue;
    if (k === 'properties') {
      const props: JsonSchema = {};
      for (const [name, sub] of Object.entries(v as JsonSchema)) props[name] = reduce(sub);
      out[k] = props;
    } else out[k] = reduce(v);
  }
  return out;
}

/** The answer's JSON Schema as sent to every provider. */
export const ANSWER_JSON_SCHEMA: JsonSchema = reduce(z.toJSONSchema(analysisAnswerSchema)) as JsonSchema;

export type ParsedAnswer = { ok: true; answer: AnalysisAnswer } | { ok: false; problem: string };

/**
 * Reads a model's answer: JSON (a ```json fence around it is tolerated, small models add one), validated by the
 * schema. Links outside `allowedLinkPrefixes` are dropped rather than failing the answer: the model may only point at
 * documentation the context offered, never at a page it invented.
 */
export function parseAnswer(text: string, allowedLinkPrefixes: readonly string[]): ParsedAnswer {
  const body = unfence(text);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    return { ok: false, problem: `the answer is not valid JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  const r = analysisAnswerSchema.safeParse(json);
  if (!r.success) {
    const problems = r.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return { ok: false, problem: `the answer does not match the schema: ${problems.join('; ')}` };
  }
  const links = r.data.links.filter((l) => allowedLinkPrefixes.some((p) => l.startsWith(p)));
  return { ok: true, answer: { ...r.data, links } };
}

function unfence(text: string): string {
  const t = text.trim();
  const m = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/i.exec(t);
  return m ? (m[1] as string) : t;
}
