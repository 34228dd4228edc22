// Bun sets `import.meta.main` when a file is the entry point; Node's types do not declare it.
interface ImportMeta {
  readonly main?: boolean;
}
