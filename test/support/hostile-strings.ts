/** A naughty-strings corpus: what a brief, a name or a note might carry from a careless or hostile hand. */
export const HOSTILE = {
  script: '<script>window.__pwned = "script"</script>',
  img: '<img src=x onerror="window.__pwned = \'img\'">',
  svg: '<svg onload="window.__pwned = \'svg\'"><a href="javascript:alert(1)">x</a></svg>',
  iframe: '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
  attribute: '" onmouseover="window.__pwned=1" x="',
  entities: '&lt;b&gt;not bold&lt;/b&gt; &amp;amp; &#x3C;i&#x3E;',
  // Built from parts: a literal `${` in a plain string is what the linter rightly flags elsewhere.
  template: `${'$'}{alert(1)} {{constructor.constructor("window.__pwned=1")()}}`,
  bidi: '\u202eevil.exe\u202c \u2066isolated\u2069 \u200f',
  zeroWidth: 'zero\u200bwidth\u200djoiner\ufeff',
  longWord: 'W'.repeat(10_000),
  zalgo: 'Z̵̡̢̛̛̖̗̘̙̜̝̞̟̠̤̥̦̩̪̫̬̭̮̯̰̱̲̳̹̺̻̼͇͈͉͍͎̀́̂̃̄̅̆̇̈̉̊̋̌̍̎̏̐̑̒̓̔̽̾̿̀́͂̓̈́͆͊͋͌̕̚ͅa̸l̷g̴o̵',
  nul: 'before\u0000after',
  emoji: '👩🏽‍💻🏳️‍🌈 ﷽',
  rtl: 'مرحبا بالعالم עברית',
} as const;
