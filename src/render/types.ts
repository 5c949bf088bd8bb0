/** A Kubernetes object as rendered from Git: plain JSON-compatible data, never a typed client model. */
export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [k: string]: unknown;
  };
  [k: string]: unknown;
};

/** Where a document came from, so every error can point the user at the file to fix. */
export interface Source {
  /** Relative to the checkout root, with `/` separators. */
  file: string;
  /** 1-based position of the document in its file (or in kustomize's output). */
  document: number;
  /** 1-based position inside a `kind: List` document, when the object came from one. */
  item?: number;
  /** Set when the documents are kustomize's output for the kustomization in `file`, not the file's own text. */
  kustomize?: boolean;
}

export interface SourceDocument {
  value: unknown;
  source: Source;
}

export interface RenderedObject {
  object: KubeObject;
  source: Source;
}

export function describeSource(source: Source): string {
  const item = source.item === undefined ? '' : `, item ${source.item}`;
  const via = source.kustomize ? 'kustomize output, ' : '';
  return `${source.file} (${via}document ${source.document}${item})`;
}
