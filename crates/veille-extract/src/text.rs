//! Tokens and sentences of a report, with byte offsets into the original text.
//!
//! Every later step (dates, places, actors, types, casualties) reads the same token list,
//! so the text is scanned once. A token's `norm` is lower-cased with Latin accents
//! removed ("Ségou" → "segou", "tués" → "tues"); offsets always point into the original
//! text so that evidence spans show what the report actually says.

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Letters (and digits mixed with letters, e.g. "G5").
    Word,
    /// Digits only.
    Number,
    /// One punctuation or symbol character.
    Punct,
}

/// One token.
#[derive(Debug, Clone)]
pub struct Token {
    /// Byte offset of the first character in the report text.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
    /// Lower-cased, accent-folded form.
    pub norm: String,
    /// Word, number or punctuation.
    pub kind: Kind,
    /// True when the first character is an upper-case letter.
    pub cap: bool,
    /// True when whitespace precedes the token (false for the first token too).
    pub space_before: bool,
    /// Index of the sentence the token belongs to.
    pub sentence: usize,
}

impl Token {
    /// True for a punctuation token equal to `c`.
    pub fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct && self.norm.starts_with(c)
    }

    /// The token's text in the report.
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.start..self.end).unwrap_or("")
    }
}

/// A sentence: a range of tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    /// First token index.
    pub first: usize,
    /// One past the last token index.
    pub last: usize,
}

/// A tokenised report.
#[derive(Debug, Clone)]
pub struct Doc<'a> {
    /// The report text.
    pub src: &'a str,
    /// Its tokens.
    pub tokens: Vec<Token>,
    /// Its sentences, in order.
    pub sentences: Vec<Sentence>,
}

/// Folds one character: lower case, Latin accents removed.
pub fn fold_char(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'a',
        'ç' | 'Ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
        'ñ' | 'Ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
        'ý' | 'ÿ' | 'Ý' => 'y',
        c if c.is_ascii() => c.to_ascii_lowercase(),
        c => c.to_lowercase().next().unwrap_or(c),
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Tokenises `src`. Never fails; any input (binary, mixed scripts) gives some tokens.
pub fn tokenize(src: &str) -> Doc<'_> {
    let mut tokens: Vec<Token> = Vec::with_capacity(src.len() / 5 + 4);
    let mut sentences = Vec::new();
    let mut sentence = 0usize;
    let mut sent_first = 0usize;
    let mut iter = src.char_indices().peekable();
    let mut space_before = false;
    let mut newlines = 0usize;
    while let Some((i, c)) = iter.next() {
        if c.is_whitespace() {
            space_before = true;
            if c == '\n' {
                newlines += 1;
                // A blank line or a line break after a full stop ends a sentence.
                if newlines >= 2 && tokens.len() > sent_first {
                    sentences.push(Sentence {
                        first: sent_first,
                        last: tokens.len(),
                    });
                    sentence += 1;
                    sent_first = tokens.len();
                }
            }
            continue;
        }
        // A line break before a capitalised line (SMS, bulletins) ends a sentence.
        if newlines == 1 && c.is_uppercase() && tokens.len() > sent_first {
            sentences.push(Sentence {
                first: sent_first,
                last: tokens.len(),
            });
            sentence += 1;
            sent_first = tokens.len();
        }
        newlines = 0;
        if is_word_char(c) {
            let mut end = i + c.len_utf8();
            let mut norm = String::new();
            let mut all_digits = c.is_ascii_digit();
            norm.push(fold_char(c));
            while let Some(&(j, d)) = iter.peek() {
                if is_word_char(d) {
                    all_digits &= d.is_ascii_digit();
                    norm.push(fold_char(d));
                    end = j + d.len_utf8();
                    iter.next();
                } else if is_combining(d) {
                    end = j + d.len_utf8();
                    iter.next();
                } else {
                    break;
                }
            }
            tokens.push(Token {
                start: i,
                end,
                norm,
                kind: if all_digits { Kind::Number } else { Kind::Word },
                cap: c.is_uppercase(),
                space_before,
                sentence,
            });
        } else {
            if is_combining(c) {
                continue;
            }
            let norm = match c {
                '’' | '‘' | '`' | '´' | 'ʼ' => '\'',
                '–' | '—' | '‑' => '-',
                '«' | '»' | '“' | '”' => '"',
                c => c,
            };
            tokens.push(Token {
                start: i,
                end: i + c.len_utf8(),
                norm: norm.to_string(),
                kind: Kind::Punct,
                cap: false,
                space_before,
                sentence,
            });
            let ends = match c {
                '!' | '?' | ';' => true,
                '.' => {
                    // Not inside a number (3.5) and not after a one-letter abbreviation.
                    let next = iter.peek().map(|p| p.1);
                    let prev_short = tokens
                        .len()
                        .checked_sub(2)
                        .and_then(|k| tokens.get(k))
                        .is_some_and(|t| t.kind == Kind::Word && t.norm.chars().count() == 1);
                    next.is_none_or(|n| n.is_whitespace()) && !prev_short
                }
                _ => false,
            };
            if ends {
                sentences.push(Sentence {
                    first: sent_first,
                    last: tokens.len(),
                });
                sentence += 1;
                sent_first = tokens.len();
            }
        }
        space_before = false;
    }
    if tokens.len() > sent_first {
        sentences.push(Sentence {
            first: sent_first,
            last: tokens.len(),
        });
    }
    Doc {
        src,
        tokens,
        sentences,
    }
}

fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F)
}

impl Doc<'_> {
    /// The norm of token `i`, or "" past the end.
    pub fn n(&self, i: usize) -> &str {
        self.tokens.get(i).map(|t| t.norm.as_str()).unwrap_or("")
    }

    /// True when tokens from `i` spell `words` (space-separated norms; punctuation
    /// tokens are written as themselves, e.g. "l ' armee" or "claimed responsibility").
    pub fn matches(&self, i: usize, words: &str) -> bool {
        // Fast reject on the first word: this is the hot path of every cue list.
        let head = match words.find(' ') {
            Some(p) => &words[..p],
            None => words,
        };
        if self.n(i) != head {
            return false;
        }
        (i..).zip(words.split(' ')).all(|(k, w)| self.n(k) == w)
    }

    /// The number of tokens `words` has (see [`Doc::matches`]).
    pub fn len_of(words: &str) -> usize {
        words.split(' ').count()
    }

    /// Finds the first index in `from..to` where `words` matches.
    pub fn find(&self, from: usize, to: usize, words: &str) -> Option<usize> {
        let (head, rest) = match words.split_once(' ') {
            Some((h, r)) => (h, Some(r)),
            None => (words, None),
        };
        (from..to.min(self.tokens.len()))
            .find(|&i| self.n(i) == head && rest.is_none_or(|r| self.matches(i + 1, r)))
    }

    /// True when any of `phrases` occurs in tokens `from..to`.
    pub fn any(&self, from: usize, to: usize, phrases: &[&str]) -> bool {
        phrases.iter().any(|p| self.find(from, to, p).is_some())
    }

    /// The first occurrence of any of `phrases` in `from..to`: (token index, token count).
    pub fn first_of(&self, from: usize, to: usize, phrases: &[&str]) -> Option<(usize, usize)> {
        let mut best: Option<(usize, usize)> = None;
        for p in phrases {
            if let Some(i) = self.find(from, to, p) {
                if best.is_none_or(|b| i < b.0) {
                    best = Some((i, Self::len_of(p)));
                }
            }
        }
        best
    }

    /// Byte span of tokens `a..b` (b exclusive) in the source.
    pub fn span(&self, a: usize, b: usize) -> (usize, usize) {
        let s = self.tokens.get(a).map(|t| t.start).unwrap_or(0);
        let e = b
            .checked_sub(1)
            .and_then(|k| self.tokens.get(k))
            .map(|t| t.end)
            .unwrap_or(s);
        (s, e.max(s))
    }

    /// Source text of tokens `a..b`.
    pub fn slice(&self, a: usize, b: usize) -> &str {
        let (s, e) = self.span(a, b);
        self.src.get(s..e).unwrap_or("")
    }

    /// The sentence containing token `i`.
    pub fn sentence_of(&self, i: usize) -> Sentence {
        let si = self.tokens.get(i).map(|t| t.sentence).unwrap_or(0);
        self.sentences.get(si).copied().unwrap_or(Sentence {
            first: 0,
            last: self.tokens.len(),
        })
    }
}

/// Converts a byte offset in `src` to a char offset.
pub fn char_offset(src: &str, byte: usize) -> usize {
    let b = byte.min(src.len());
    src.char_indices().take_while(|(i, _)| *i < b).count()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn folds_and_splits_sentences() {
        let d = tokenize("Des hommes armés ont tué 3 civils à Ségou. Hier, l'armée a riposté.");
        let norms: Vec<&str> = d.tokens.iter().map(|t| t.norm.as_str()).collect();
        assert!(norms.contains(&"armes"));
        assert!(norms.contains(&"segou"));
        assert_eq!(d.sentences.len(), 2);
        assert!(d.matches(d.sentences[1].first, "hier , l ' armee"));
        assert_eq!(d.slice(8, 9), "Ségou");
    }

    #[test]
    fn numbers_and_decimals_do_not_split() {
        let d = tokenize("At 3.5 km from Gao, 12 died.");
        assert_eq!(d.sentences.len(), 1);
        assert_eq!(d.tokens[1].kind, Kind::Number);
    }

    #[test]
    fn char_offsets_count_multibyte_chars() {
        assert_eq!(char_offset("é a", 3), 2);
        assert_eq!(char_offset("abc", 99), 3);
    }
}
