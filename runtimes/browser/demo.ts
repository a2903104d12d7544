/**
 * The demo page's main thread: reads the form, starts a module worker for
 * each run, shows its progress and errors, renders the report and offers
 * `report.json` and `report.md` for download. All computing happens in the
 * worker (worker.ts), so the page stays responsive during a run.
 */
import { formatCount } from "../../src/format.ts";
import type { ModelKind } from "../../src/model.ts";
import { builtInRecipe } from "../../src/recipe.ts";
import type { DataChoice, RecipeChoice, RunRequest, WorkerMessage } from "./protocol.ts";
import { renderReport } from "./render.ts";
import type { SampleManifest } from "./sources.ts";

const WORKER_URL = new URL("./worker.js", import.meta.url);
const SAMPLE_MANIFEST_URL = new URL("./sample.json", import.meta.url);
/** Limits of the random forest's `trees` parameter (src/random_forest.ts). */
const MAX_TREES = 100_000;

function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`demo: the page has no element with id "${id}"`);
  return node as T;
}

const page = {
  files: byId<HTMLInputElement>("files"),
  runSample: byId<HTMLButtonElement>("run-sample"),
  runFiles: byId<HTMLButtonElement>("run-files"),
  split: byId<HTMLInputElement>("split"),
  classes: byId<HTMLInputElement>("classes"),
  classesPreset: byId<HTMLSelectElement>("classes-preset"),
  testFiles: byId<HTMLUListElement>("test-files"),
  testFilesHint: byId<HTMLParagraphElement>("test-files-hint"),
  trees: byId<HTMLInputElement>("trees"),
  forest: byId<HTMLInputElement>("model-rf"),
  cancel: byId<HTMLButtonElement>("cancel"),
  progress: byId<HTMLProgressElement>("progress"),
  status: byId<HTMLParagraphElement>("status"),
  announce: byId<HTMLParagraphElement>("announce"),
  error: byId<HTMLDivElement>("error"),
  results: byId<HTMLElement>("results"),
  sampleSize: byId<HTMLSpanElement>("sample-size"),
};

/** The worker of the run in progress, if any. */
let running: Worker | null = null;

/** A mistake in the form, shown on the page instead of starting a run. */
class FormError extends Error {}

function setUp(): void {
  page.classes.value = builtInRecipe("study-ds1").classes.join(", ");
  page.split.value = String(builtInRecipe("sample").split);

  // Array.from, because tsconfig's "dom" lib without "dom.iterable" types NodeList and FileList as not iterable.
  for (const radio of Array.from(document.querySelectorAll<HTMLInputElement>('input[name="recipe"]'))) {
    radio.addEventListener("change", updateFormState);
  }
  page.forest.addEventListener("change", updateFormState);
  page.files.addEventListener("change", () => {
    listTestFiles();
    updateFormState();
  });
  page.classesPreset.addEventListener("change", () => {
    const name = page.classesPreset.value;
    if (name !== "") page.classes.value = builtInRecipe(name).classes.join(", ");
    // Back to "keep my list", so that choosing the same preset again refills the field.
    page.classesPreset.value = "";
  });
  page.runSample.addEventListener("click", () => start({ kind: "sample" }));
  page.runFiles.addEventListener("click", () => start({ kind: "files", files: Array.from(page.files.files ?? []) }));
  page.cancel.addEventListener("click", cancel);
  updateFormState();
  showSampleSize().catch(() => {
    // The size is only a hint; a missing sample.json shows up as an error when the sample is run.
  });
}

/**
 * Lists the chosen files with a "test on" checkbox each, keeping the ticks
 * of files chosen again under the same name.
 */
function listTestFiles(): void {
  const ticked = new Set(checkedTestFiles());
  const files = Array.from(page.files.files ?? []);
  page.testFiles.replaceChildren(
    ...files.map((file, index) => {
      const box = document.createElement("input");
      box.type = "checkbox";
      box.id = `test-file-${index}`;
      box.value = file.name;
      box.checked = ticked.has(file.name);
      const label = document.createElement("label");
      label.htmlFor = box.id;
      label.textContent = ` test on ${file.name}`;
      const item = document.createElement("li");
      item.append(box, label);
      return item;
    }),
  );
  page.testFilesHint.hidden = files.length > 0;
}

/** Returns the names of the chosen files ticked for testing. */
function checkedTestFiles(): string[] {
  return Array.from(page.testFiles.querySelectorAll<HTMLInputElement>("input:checked"), (box) => box.value);
}

/** Enables the inputs that apply to the current choices. */
function updateFormState(): void {
  const kind = selectedRecipeKind();
  page.split.disabled = kind !== "split";
  page.classes.disabled = kind === "sample";
  page.classesPreset.disabled = kind === "sample";
  for (const box of Array.from(page.testFiles.querySelectorAll<HTMLInputElement>("input"))) box.disabled = kind !== "separate";
  page.trees.disabled = !page.forest.checked;
  page.runFiles.disabled = running !== null || (page.files.files?.length ?? 0) === 0;
  page.runSample.disabled = running !== null;
}

async function showSampleSize(): Promise<void> {
  const response = await fetch(SAMPLE_MANIFEST_URL);
  if (!response.ok) return;
  const manifest = (await response.json()) as SampleManifest;
  const data = manifest.files.filter((file) => file.path.endsWith(".gz"));
  const bytes = data.reduce((sum, file) => sum + file.size, 0);
  page.sampleSize.textContent = `: ${data.length} gzip files, ${formatCount(bytes / 1000)} kB`;
}

function selectedRecipeKind(): RecipeChoice["kind"] {
  const checked = document.querySelector<HTMLInputElement>('input[name="recipe"]:checked');
  return checked?.value === "split" || checked?.value === "separate" ? checked.value : "sample";
}

/** Returns the class list typed in the form. */
function typedClasses(): string[] {
  return page.classes.value.split(",").map((name) => name.trim()).filter((name) => name !== "");
}

/** Reads the recipe, models and trees from the form; throws FormError on an invalid field. */
function readSettings(data: DataChoice): RunRequest {
  let recipe: RecipeChoice = { kind: "sample" };
  const kind = selectedRecipeKind();
  if (kind === "split") {
    const split = Number(page.split.value);
    if (page.split.value.trim() === "" || !(split > 0 && split < 1)) {
      throw new FormError(`The fraction held out for testing must be a number between 0 and 1, such as 0.2; got "${page.split.value}".`);
    }
    recipe = { kind: "split", split, classes: typedClasses() };
  } else if (kind === "separate") {
    if (data.kind !== "files") {
      throw new FormError("Training and testing on separate files needs chosen files: choose flow files, tick the ones to test on, and press Run on the chosen files.");
    }
    const testFiles = checkedTestFiles();
    if (testFiles.length === 0) throw new FormError("Tick at least one chosen file to test on; the files not ticked train the models.");
    if (testFiles.length === data.files.length) {
      throw new FormError("Leave at least one chosen file unticked: the files not ticked train the models.");
    }
    recipe = { kind: "separate", testFiles, classes: typedClasses() };
  }

  const models = Array.from(document.querySelectorAll<HTMLInputElement>('input[name="model"]:checked')).map(
    (box) => box.value as ModelKind,
  );
  if (models.length === 0) throw new FormError("Choose at least one model.");

  const trees = Number(page.trees.value);
  if (models.includes("rf") && !(Number.isInteger(trees) && trees >= 1 && trees <= MAX_TREES)) {
    throw new FormError(`The number of trees must be a whole number from 1 to ${formatCount(MAX_TREES)}; got "${page.trees.value}".`);
  }
  return { type: "run", data, recipe, models, trees };
}

function start(data: DataChoice): void {
  let request: RunRequest;
  try {
    request = readSettings(data);
  } catch (error) {
    if (!(error instanceof FormError)) throw error;
    showError("The run could not start.", error.message);
    return;
  }

  hideError();
  page.results.hidden = true;
  page.results.replaceChildren();
  page.progress.value = 0;
  setStatus(data.kind === "sample" ? "Starting a run on the shipped sample" : `Starting a run on ${data.files.length} chosen ${data.files.length === 1 ? "file" : "files"}`);
  page.announce.textContent = "Run started.";

  const worker = new Worker(WORKER_URL, { type: "module" });
  running = worker;
  page.cancel.disabled = false;
  updateFormState();

  worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
    const message = event.data;
    if (message.type === "progress") {
      page.progress.value = message.fraction;
      setStatus(message.message);
      return;
    }
    finish(worker);
    if (message.type === "result") {
      page.progress.value = 1;
      setStatus(`Finished in ${message.seconds.toFixed(1)} s.`);
      page.announce.textContent = "Run finished. The results are below.";
      renderReport(page.results, message.report, message.seconds, downloadButtons(message.json, message.markdown));
      page.results.hidden = false;
    } else {
      setStatus("The run failed.");
      showError("The run could not finish.", message.message);
    }
  };
  worker.onerror = (event: ErrorEvent) => {
    finish(worker);
    setStatus("The run failed.");
    showError("The run could not finish.", `demo: the worker failed: ${event.message || "worker.js could not be loaded"}.`);
  };
  worker.postMessage(request);
}

/** Ends the worker and re-enables the form. */
function finish(worker: Worker): void {
  worker.terminate();
  if (running === worker) running = null;
  page.cancel.disabled = true;
  updateFormState();
}

function cancel(): void {
  if (running === null) return;
  finish(running);
  page.progress.value = 0;
  setStatus("Cancelled.");
  page.announce.textContent = "Run cancelled.";
}

function setStatus(text: string): void {
  page.status.textContent = text;
}

function showError(summary: string, message: string): void {
  page.error.replaceChildren();
  const heading = document.createElement("strong");
  heading.textContent = summary;
  const text = document.createElement("p");
  text.textContent = message;
  page.error.append(heading, text);
  page.error.hidden = false;
}

function hideError(): void {
  page.error.hidden = true;
  page.error.replaceChildren();
}

/** Returns the download buttons of a finished run; each builds its file as a Blob when clicked. */
function downloadButtons(json: string, markdown: string): HTMLElement {
  const section = document.createElement("section");
  section.className = "downloads";
  section.setAttribute("aria-label", "Downloads");
  section.append(
    downloadButton("download-json", "Download report.json", "report.json", json, "application/json"),
    downloadButton("download-md", "Download report.md", "report.md", markdown, "text/markdown"),
  );
  return section;
}

function downloadButton(id: string, label: string, fileName: string, text: string, type: string): HTMLButtonElement {
  const button = document.createElement("button");
  button.type = "button";
  button.id = id;
  button.textContent = label;
  button.addEventListener("click", () => {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const link = document.createElement("a");
    link.href = url;
    link.download = fileName;
    document.body.append(link);
    link.click();
    link.remove();
    // Revoked after a minute rather than at once, so the browser has time to start reading the Blob.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  });
  return button;
}

setUp();
