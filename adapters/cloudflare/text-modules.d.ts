/**
 * A Worker bundles its `.port/` YAML files as text modules (wrangler.toml's `[[rules]] type = "Text"`):
 * importing one gives its text. JSON files are imported parsed, as any bundler does.
 */
declare module '*.yaml' {
  const text: string;
  export default text;
}
declare module '*.yml' {
  const text: string;
  export default text;
}
