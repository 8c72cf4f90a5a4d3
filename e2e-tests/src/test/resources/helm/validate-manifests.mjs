// Validates Kubernetes manifests against the API's OpenAPI schemas with the npm package
// kubernetes-models. Input: a JSON file holding an array of manifests. Output: one line per
// manifest, "ok KIND/NAME" or "invalid KIND/NAME: REASON"; the exit code is 1 if any is invalid.
import { readFileSync } from "node:fs";

const manifests = JSON.parse(readFileSync(process.argv[2], "utf8"));
let invalid = 0;
for (const manifest of manifests) {
  const id = `${manifest.kind}/${manifest.metadata?.name}`;
  let reason = null;
  try {
    const models = await import(`kubernetes-models/${manifest.apiVersion}`);
    const Model = models[manifest.kind];
    if (typeof Model !== "function") {
      reason = `no model for ${manifest.apiVersion} ${manifest.kind}`;
    } else {
      new Model(manifest).validate();
    }
  } catch (e) {
    reason = e.message.replace(/\s+/g, " ");
  }
  if (reason === null) {
    console.log(`ok ${id}`);
  } else {
    invalid++;
    console.log(`invalid ${id}: ${reason}`);
  }
}
process.exit(invalid === 0 ? 0 : 1);
