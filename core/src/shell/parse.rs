//! Shell syntax, the part of POSIX `sh` that one-liners use: words with
//! single and double quotes and backslashes, `$VAR`/`${VAR}`/`$?`, `~`,
//! comments, pipelines (`|`), lists (`;`, `&&`, `||`) and redirections
//! (`>`, `>>`, `<`, `2>`, `2>&1`, `>&2`). Parsing is separate from expansion, so
//! `export A=1; echo $A` sees the new value.

/// A piece of a word: literal text, or a variable to expand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Text as written (quotes removed).
    Literal(String),
    /// `$NAME`, `${NAME}` or `$?`.
    Var(String),
    /// A `~` at the start of a word: the home directory.
    Home,
}

/// A word before expansion.
pub type Word = Vec<Part>;

/// Where a command's output or input goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Redirect {
    /// `> file` (or `>> file` when `append`) for stdout; `2>` for stderr.
    Out {
        /// 1 or 2.
        fd: u8,
        /// The target.
        target: Word,
        /// `>>`.
        append: bool,
    },
    /// `2>&1`.
    ErrToOut,
    /// `>&2` (or `1>&2`): stdout goes where stderr goes.
    OutToErr,
    /// `< file`.
    In(Word),
}

/// One simple command: its words and redirections.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Command {
    /// The words, the program first.
    pub words: Vec<Word>,
    /// Its redirections, in order.
    pub redirects: Vec<Redirect>,
}

/// How a pipeline joins the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connector {
    /// The first pipeline, or after `;` or a newline.
    Always,
    /// After `&&`.
    And,
    /// After `||`.
    Or,
}

/// A pipeline and how it follows the previous one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipeline {
    /// How it is joined to what came before.
    pub connector: Connector,
    /// Its commands, each feeding the next.
    pub commands: Vec<Command>,
}

/// A syntax error, in the words of the shell that found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyntaxError {
    /// A quote was never closed.
    UnterminatedQuote(char),
    /// An operator where a command should be (`| x`, `a && && b`).
    UnexpectedToken(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Word(Word),
    Op(&'static str),
}

/// Parses a command line into pipelines.
pub fn parse(line: &str) -> Result<Vec<Pipeline>, SyntaxError> {
    let tokens = tokenize(line)?;
    let mut pipelines = Vec::new();
    let mut connector = Connector::Always;
    let mut commands: Vec<Command> = Vec::new();
    let mut current = Command::default();
    let mut iter = tokens.into_iter().peekable();
    while let Some(token) = iter.next() {
        match token {
            Token::Word(word) => current.words.push(word),
            Token::Op(op @ (">" | ">>" | "2>" | "<")) => {
                let Some(Token::Word(target)) = iter.next() else {
                    return Err(SyntaxError::UnexpectedToken("newline".into()));
                };
                current.redirects.push(match op {
                    "<" => Redirect::In(target),
                    "2>" => Redirect::Out {
                        fd: 2,
                        target,
                        append: false,
                    },
                    _ => Redirect::Out {
                        fd: 1,
                        target,
                        append: op == ">>",
                    },
                });
            }
            Token::Op("2>&1") => current.redirects.push(Redirect::ErrToOut),
            Token::Op(">&2") => current.redirects.push(Redirect::OutToErr),
            Token::Op("|") => {
                if current.words.is_empty() {
                    return Err(SyntaxError::UnexpectedToken("|".into()));
                }
                commands.push(std::mem::take(&mut current));
            }
            Token::Op(op) => {
                if current.words.is_empty() && current.redirects.is_empty() {
                    // A blank line or a stray `;` after a complete pipeline is harmless.
                    if op == ";" && commands.is_empty() && !pipelines.is_empty() {
                        continue;
                    }
                    return Err(SyntaxError::UnexpectedToken(op.into()));
                }
                commands.push(std::mem::take(&mut current));
                pipelines.push(Pipeline {
                    connector,
                    commands: std::mem::take(&mut commands),
                });
                connector = match op {
                    "&&" => Connector::And,
                    "||" => Connector::Or,
                    _ => Connector::Always,
                };
            }
        }
    }
    if !current.words.is_empty() || !current.redirects.is_empty() {
        commands.push(current);
    } else if !commands.is_empty() || connector != Connector::Always {
        return Err(SyntaxError::UnexpectedToken("end of file".into()));
    }
    if !commands.is_empty() {
        pipelines.push(Pipeline {
            connector,
            commands,
        });
    }
    Ok(pipelines)
}

fn tokenize(line: &str) -> Result<Vec<Token>, SyntaxError> {
    let chars: Vec<char> = line.chars().collect();
    let mut tokens = Vec::new();
    let mut word: Word = Vec::new();
    let mut in_word = false;
    let mut i = 0;
    let flush = |word: &mut Word, in_word: &mut bool, tokens: &mut Vec<Token>| {
        if *in_word {
            tokens.push(Token::Word(std::mem::take(word)));
            *in_word = false;
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            ' ' | '\t' => {
                flush(&mut word, &mut in_word, &mut tokens);
                i += 1;
            }
            '#' if !in_word => break,
            '\n' | ';' => {
                flush(&mut word, &mut in_word, &mut tokens);
                tokens.push(Token::Op(";"));
                i += 1;
            }
            '&' if next == Some('&') => {
                flush(&mut word, &mut in_word, &mut tokens);
                tokens.push(Token::Op("&&"));
                i += 2;
            }
            '|' if next == Some('|') => {
                flush(&mut word, &mut in_word, &mut tokens);
                tokens.push(Token::Op("||"));
                i += 2;
            }
            '|' => {
                flush(&mut word, &mut in_word, &mut tokens);
                tokens.push(Token::Op("|"));
                i += 1;
            }
            '2' if !in_word && next == Some('>') => {
                if chars.get(i + 2) == Some(&'&') && chars.get(i + 3) == Some(&'1') {
                    tokens.push(Token::Op("2>&1"));
                    i += 4;
                } else {
                    tokens.push(Token::Op("2>"));
                    i += 2;
                }
            }
            '1' if !in_word && next == Some('>') && chars.get(i + 2) == Some(&'&') => {
                if chars.get(i + 3) == Some(&'2') {
                    tokens.push(Token::Op(">&2"));
                    i += 4;
                } else {
                    push_literal(&mut word, "1".into());
                    in_word = true;
                    i += 1;
                }
            }
            '>' if next == Some('&') && chars.get(i + 2) == Some(&'2') => {
                flush(&mut word, &mut in_word, &mut tokens);
                tokens.push(Token::Op(">&2"));
                i += 3;
            }
            '>' => {
                flush(&mut word, &mut in_word, &mut tokens);
                if next == Some('>') {
                    tokens.push(Token::Op(">>"));
                    i += 2;
                } else {
                    tokens.push(Token::Op(">"));
                    i += 1;
                }
            }
            '<' => {
                flush(&mut word, &mut in_word, &mut tokens);
                tokens.push(Token::Op("<"));
                i += 1;
            }
            '\'' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&c| c == '\'')
                    .ok_or(SyntaxError::UnterminatedQuote('\''))?;
                push_literal(&mut word, chars[i + 1..i + 1 + end].iter().collect());
                in_word = true;
                i += end + 2;
            }
            '"' => {
                i = double_quoted(&chars, i + 1, &mut word)?;
                in_word = true;
            }
            '\\' => {
                if let Some(escaped) = next {
                    push_literal(&mut word, escaped.to_string());
                }
                in_word = true;
                i += 2;
            }
            '$' => {
                i = variable(&chars, i + 1, &mut word);
                in_word = true;
            }
            '~' if !in_word => {
                word.push(Part::Home);
                in_word = true;
                i += 1;
            }
            other => {
                push_literal(&mut word, other.to_string());
                in_word = true;
                i += 1;
            }
        }
    }
    flush(&mut word, &mut in_word, &mut tokens);
    Ok(tokens)
}

fn push_literal(word: &mut Word, text: String) {
    if let Some(Part::Literal(last)) = word.last_mut() {
        last.push_str(&text);
    } else {
        word.push(Part::Literal(text));
    }
}

/// Reads a double-quoted string from `start` (after the quote); returns the index after the closing quote.
fn double_quoted(chars: &[char], start: usize, word: &mut Word) -> Result<usize, SyntaxError> {
    let mut i = start;
    // An empty "" still makes a word.
    push_literal(word, String::new());
    while i < chars.len() {
        match chars[i] {
            '"' => return Ok(i + 1),
            '\\' if matches!(chars.get(i + 1), Some('"' | '\\' | '$' | '`')) => {
                push_literal(word, chars[i + 1].to_string());
                i += 2;
            }
            '$' => i = variable(chars, i + 1, word),
            c => {
                push_literal(word, c.to_string());
                i += 1;
            }
        }
    }
    Err(SyntaxError::UnterminatedQuote('"'))
}

/// Reads a variable name after `$`; a lone `$` is literal.
fn variable(chars: &[char], start: usize, word: &mut Word) -> usize {
    match chars.get(start) {
        Some('{') => {
            let end = chars[start + 1..].iter().position(|&c| c == '}');
            match end {
                Some(end) => {
                    let name: String = chars[start + 1..start + 1 + end].iter().collect();
                    word.push(Part::Var(name));
                    start + end + 2
                }
                None => {
                    push_literal(word, "${".into());
                    start + 1
                }
            }
        }
        Some('?') => {
            word.push(Part::Var("?".into()));
            start + 1
        }
        Some(c) if c.is_ascii_alphabetic() || *c == '_' => {
            let len = chars[start..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
                .count();
            word.push(Part::Var(chars[start..start + len].iter().collect()));
            start + len
        }
        _ => {
            push_literal(word, "$".into());
            start
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(text: &str) -> Word {
        vec![Part::Literal(text.into())]
    }

    #[test]
    fn lists_and_pipelines() {
        let parsed = parse("echo a b && cat f | wc -l; false || echo 'x y'").expect("parses");
        assert_eq!(parsed.len(), 4);
        assert_eq!(parsed[0].connector, Connector::Always);
        assert_eq!(parsed[1].connector, Connector::And);
        assert_eq!(parsed[1].commands.len(), 2);
        assert_eq!(parsed[2].connector, Connector::Always);
        assert_eq!(parsed[3].connector, Connector::Or);
        assert_eq!(parsed[3].commands[0].words[1], lit("x y"));
    }

    #[test]
    fn variables_quotes_and_redirections() {
        let parsed = parse("echo \"$HOME/${X}\" '$Y' > /tmp/out 2>&1").expect("parses");
        let command = &parsed[0].commands[0];
        assert_eq!(
            command.words[1],
            vec![
                Part::Literal(String::new()),
                Part::Var("HOME".into()),
                Part::Literal("/".into()),
                Part::Var("X".into()),
            ]
        );
        assert_eq!(command.words[2], lit("$Y"));
        assert_eq!(command.redirects.len(), 2);
    }

    #[test]
    fn stdout_can_follow_stderr() {
        for line in ["echo oops >&2", "echo oops 1>&2", "echo oops>&2"] {
            let parsed = parse(line).expect("parses");
            let command = &parsed[0].commands[0];
            assert_eq!(command.words.len(), 2, "{line}");
            assert_eq!(command.redirects, [Redirect::OutToErr], "{line}");
        }
        let parsed = parse("echo 1 2").expect("parses");
        assert_eq!(parsed[0].commands[0].words[1], lit("1"));
    }

    #[test]
    fn broken_lines_are_syntax_errors() {
        assert_eq!(
            parse("echo 'oops"),
            Err(SyntaxError::UnterminatedQuote('\''))
        );
        assert_eq!(parse("| wc"), Err(SyntaxError::UnexpectedToken("|".into())));
        assert_eq!(
            parse("echo a &&"),
            Err(SyntaxError::UnexpectedToken("end of file".into()))
        );
        assert_eq!(parse("  # just a comment").expect("parses"), vec![]);
    }
}
