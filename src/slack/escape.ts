// The one way text we did not write reaches Slack. Slack reads &, < and > as control characters in
// every text it renders (mrkdwn, plain_text, a message's top-level text): `<!channel>` notifies a
// whole channel, `<@U…>` a person, `<https://evil|Open case file>` hides a link behind a label. A
// client can type all of these on Telegram, so every client-supplied value (message text, display
// name, phone, free-text answers) goes through slackEscape, and messages carrying such values are
// sent with INERT and their sections verbatim, so Slack does not turn plain words into links or
// mentions either. The staff i18n runs with escapeValue:false (texts are mrkdwn), hence escaping
// here rather than in the templates.

/** Escapes the three characters Slack treats as markup. Apply once, to the raw value. */
export const slackEscape = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** chat.postMessage / chat.update options: no auto-linking of names, channels or URLs. */
export const INERT = { parse: "none", link_names: false } as const;

/**
 * Cuts escaped text to at most `max` characters (with "…") without splitting an entity, so a cut
 * cannot leave a bare "&" that would join with what follows.
 */
export function clipEscaped(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = max - 1;
  const amp = s.lastIndexOf("&", cut - 1);
  if (amp >= 0 && amp > cut - 5 && s.indexOf(";", amp) >= cut) cut = amp;
  return `${s.slice(0, cut)}…`;
}

/** Splits escaped text into pieces of at most `max` characters, never inside an entity. */
export function chunkEscaped(s: string, max: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (rest.length > max) {
    let cut = max;
    const amp = rest.lastIndexOf("&", cut - 1);
    if (amp >= 0 && amp > cut - 5 && rest.indexOf(";", amp) >= cut) cut = amp;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length || out.length === 0) out.push(rest);
  return out;
}

/** A mrkdwn section Slack shows as written: no auto-linked URLs, channel names or @-names. */
export const verbatimSection = (text: string) => ({
  type: "section" as const,
  text: { type: "mrkdwn" as const, text, verbatim: true },
});
