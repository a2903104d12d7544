/**
 * An example edge function: POST CSV flow records, get the experiment's
 * report back. It has the `export default { fetch }` shape that Cloudflare
 * Workers, `deno serve` and Bun.serve accept.
 *
 * Two request forms:
 * - `Content-Type: text/csv` (or any type but multipart): the body is one CSV
 *   file (plain or gzip), and the query string gives the recipe: `classes`
 *   (comma-separated, required), `split` (default 0.2), `labels` (study or
 *   identity, default study), `models` (default gnb,dt), `seed`.
 * - `Content-Type: multipart/form-data`: a `recipe` field with recipe JSON,
 *   and the CSV files as file fields, matched by file name. `models` and
 *   `seed` may come as fields or in the query string.
 *
 * The response is report.json (`application/json`), or report.md when the
 * request accepts `text/markdown`. An invalid request or malformed file
 * gets status 400 with `{ "error": message }`, and any other failure 500.
 *
 * @example
 * curl -X POST --data-binary @Syn.csv -H 'content-type: text/csv' \
 *   'http://127.0.0.1:8000/?classes=Benign,Syn&split=0.25&models=gnb,dt'
 */
import { createFlowguard, type ExperimentRequest, type Flowguard, type ModelKind, type NamedFile, type Recipe } from "./index.ts";

/** Models trained when the request names none: the two quick ones, to stay inside edge CPU limits. */
const DEFAULT_MODELS: ModelKind[] = ["gnb", "dt"];

let flowguard: Promise<Flowguard> | undefined;

export default {
  async fetch(request: Request): Promise<Response> {
    if (request.method !== "POST") {
      return rejectRequest(request, 405, `method ${request.method} is not allowed; POST CSV flow records to run an experiment`, {
        allow: "POST",
      });
    }
    let experiment: ExperimentRequest;
    try {
      experiment = await readRequest(request);
    } catch (error) {
      return rejectRequest(request, 400, (error as Error).message);
    }

    try {
      flowguard ??= createFlowguard();
      const result = await (await flowguard).runExperiment(experiment);
      const markdown = (request.headers.get("accept") ?? "").includes("text/markdown");
      return markdown
        ? new Response(result.markdown, { headers: { "content-type": "text/markdown; charset=utf-8" } })
        : new Response(result.json, { headers: { "content-type": "application/json" } });
    } catch (error) {
      // The library signals bad input (recipe, request, file contents) with these classes.
      if (error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError) {
        return rejectRequest(request, 400, error.message);
      }
      console.error(`flowguard: ${request.method} ${request.url}: the experiment failed:`, error);
      return errorResponse(500, `the experiment failed: ${(error as Error).message}`);
    }
  },
};

/** Builds the experiment request from the body and query string. Throws TypeError or SyntaxError on a malformed request. */
async function readRequest(request: Request): Promise<ExperimentRequest> {
  const query = new URL(request.url).searchParams;
  const contentType = request.headers.get("content-type") ?? "";
  if (contentType.startsWith("multipart/form-data")) {
    const form = await request.formData();
    const recipeText = form.get("recipe");
    if (typeof recipeText !== "string") {
      throw new TypeError('edge: the form has no "recipe" field; send the recipe JSON in a text field named "recipe"');
    }
    const files: NamedFile[] = [];
    form.forEach((value) => {
      if (typeof value !== "string") files.push({ name: value.name, data: value });
    });
    return {
      recipe: parseJson(recipeText, 'the "recipe" field') as Recipe,
      files,
      models: modelsOf(stringField(form.get("models")) ?? query.get("models")),
      seed: seedOf(stringField(form.get("seed")) ?? query.get("seed")),
    };
  }

  const classes = query.get("classes");
  if (classes === null) {
    throw new TypeError("edge: the query string has no classes; list the classes to keep, e.g. ?classes=Benign,Syn");
  }
  const split = query.get("split");
  const recipe: Recipe = {
    name: "request",
    train: ["flows.csv"],
    split: split === null ? 0.2 : Number(split),
    classes: classes.split(",").map((name) => name.trim()),
    labels: (query.get("labels") ?? "study") as Recipe["labels"],
  };
  if (request.body === null) throw new TypeError("edge: the request has no body; send the CSV file as the body");
  return {
    recipe,
    files: [{ name: "flows.csv", data: new Uint8Array(await request.arrayBuffer()) }],
    models: modelsOf(query.get("models")),
    seed: seedOf(query.get("seed")),
  };
}

function stringField(value: FormDataEntryValue | null): string | null {
  return typeof value === "string" ? value : null;
}

function modelsOf(list: string | null): ModelKind[] {
  return list === null ? DEFAULT_MODELS : (list.split(",").map((name) => name.trim()) as ModelKind[]);
}

function seedOf(text: string | null): number | undefined {
  return text === null ? undefined : Number(text);
}

function parseJson(text: string, fieldName: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(`edge: ${fieldName} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Logs one line for a rejected request and returns the error response with `status`. */
function rejectRequest(request: Request, status: number, message: string, headers: Record<string, string> = {}): Response {
  console.warn(`flowguard: ${request.method} ${request.url}: ${status}: ${message}`);
  return errorResponse(status, message, headers);
}

function errorResponse(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: message }) + "\n", {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}
