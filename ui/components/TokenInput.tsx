/** The bearer token field, shown once the server has answered 401. */
export function TokenInput(
  { token, onChange }: { token: string; onChange: (token: string) => void },
) {
  return (
    <label class="token">
      Bearer token
      <input
        type="password"
        data-testid="token"
        value={token}
        onChange={(e) => onChange((e.target as HTMLInputElement).value)}
      />
    </label>
  );
}
