// Text a peer might send to break the UI: markup, huge strings, right-to-left overrides, emoji sequences.
export const HOSTILE_TEXTS = {
  html: '<img src=x onerror=alert(1)><script>alert(2)</script><b>bold</b>',
  long: `${'a'.repeat(15_000)} end`,
  rtl: 'مرحبا بالعالم \u202Egnp.exe\u202C שלום',
  emoji: '👩‍👩‍👧‍👦 🏳️‍🌈 🔥 e\u0301',
} as const;
