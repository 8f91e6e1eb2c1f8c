import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, highlightActiveLine, keymap, lineNumbers } from '@codemirror/view';

/**
 * The playground's YAML editor (CodeMirror 6). Tab is left to the browser so keyboard users can leave the
 * editor; findings from the evaluation are shown as lint marks at the field they concern.
 */
export interface YamlEditor {
  text(): string;
  setText(text: string): void;
  mark(diagnostics: Diagnostic[]): void;
}

export function createYamlEditor(parent: HTMLElement, onChange: () => void): YamlEditor {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: '',
      extensions: [
        lineNumbers(),
        history(),
        highlightActiveLine(),
        indentOnInput(),
        bracketMatching(),
        syntaxHighlighting(defaultHighlightStyle),
        yaml(),
        lintGutter(),
        keymap.of([...defaultKeymap, ...historyKeymap]),
        EditorView.contentAttributes.of({ 'aria-label': 'Resource YAML', 'aria-describedby': 'pg-status' }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) onChange();
        }),
      ],
    }),
  });
  return {
    text: () => view.state.doc.toString(),
    setText(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    mark(diagnostics) {
      const len = view.state.doc.length;
      const clamped = diagnostics.map((d) => ({ ...d, from: Math.min(d.from, len), to: Math.min(Math.max(d.to, d.from), len) }));
      view.dispatch(setDiagnostics(view.state, clamped));
    },
  };
}
