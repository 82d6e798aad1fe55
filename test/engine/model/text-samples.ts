import { fileURLToPath } from 'node:url';

/** Text that exercises every branch of GPT-2's pre-tokenizer, shared by the tokenizer tests. */
export const TEXT_SAMPLES: string[] = [
  'Hello world',
  "I'm sure they'll've done it, won't they? She'd say 'yes' -- or THEY'RE wrong.",
  'Emoji 😀👍🏽 and a family 👩‍👩‍👧 with flags 🇫🇷 and a heart ❤️.',
  '日本語のテキスト、中文的句子。한국어 문장 Ελληνικά русский العربية',
  'def area(radius):\n\tif radius < 0:\n\t\traise ValueError("negative")\n\treturn 3.14159 * radius ** 2\n',
  '    indented code\n        {\n            "key": [1, 2, 3]\n        }\n',
  'Whitespace   runs\t\t\tof tabs  \n\n\n and trailing spaces   ',
  'Numbers: 0 7 42 1234567890 3.5e-10 -17 1,000,000 2024-11-26 0xFF',
  'Ünïcödé café naïve résumé Straße ﬁ ½ ™ © …',
  'Zero\u200bwidth, nbsp\u00a0here, and combining e\u0301 marks',
  '',
];

export const GPT2_TOKENIZER_FOLDER = fileURLToPath(new URL('../../../../shared/data/gpt2-tokenizer/', import.meta.url));
