/** An error the page shows in place: the workspace's words, or why its answer could not be read. */
export function Problem(props: { message: string | null; inline?: boolean }) {
  if (!props.message) return null;
  return props.inline ? (
    <span role="alert" class="error">
      {props.message}
    </span>
  ) : (
    <p role="alert" class="error">
      {props.message}
    </p>
  );
}
