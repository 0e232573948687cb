import { diffLines, yamlLineTokens } from '../config-text';

/** YAML with keys, values and comments told apart, one line per row. */
export function YamlBlock({ yaml, testId }: { yaml: string; testId: string }) {
  const lines = yaml.replace(/\n$/, '').split('\n');
  return (
    <pre class="code yaml" data-testid={testId}>
      {lines.map((line, index) => (
        <span class="line" key={index}>
          {yamlLineTokens(line).map((token, at) => (token.kind === 'text' ? token.text : <span key={at} class={`tok-${token.kind}`}>{token.text}</span>))}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}

/** A unified diff, added and removed lines coloured. */
export function DiffBlock({ unified, testId }: { unified: string; testId: string }) {
  const lines = diffLines(unified);
  if (lines.length === 0) return <p class="muted" data-testid={testId}>No difference.</p>;
  return (
    <pre class="code diff" data-testid={testId}>
      {lines.map((line, index) => (
        <span key={index} class={`line diff-${line.kind}`}>
          {line.text}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}
