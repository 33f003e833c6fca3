//! pandas' repr of an Index (`df.columns`): the values on lines of at most 80 characters under
//! the opening bracket, the dtype on a line of its own once the values take more than one, and
//! the first and last ten of more than a hundred. The layout follows pandas'
//! `format_object_summary`, quirks included, so a pasted notebook line prints what it printed.

/// pandas' `display.width`, which a repr outside a terminal wraps at.
const DISPLAY_WIDTH: usize = 80;
/// pandas' `display.max_seq_items`: longer indexes show their ends only.
pub(crate) const MAX_SEQ_ITEMS: usize = 100;

/// How many values a truncated index shows at each end.
pub(crate) const SHOWN_AT_EACH_END: usize = 10;

/// The repr of an index named `class` (`Index`, `IntervalIndex`) of values already written as
/// pandas writes each (`'Origin'`, `(0, 250]`), followed by `attributes` (`dtype='object'`).
/// Text values are not padded to a common width; other values are once they wrap.
pub fn index_repr(class: &str, values: &[String], attributes: &[String], justify: bool) -> String {
    shown_index_repr(
        class,
        Shown::of(values),
        values.len(),
        attributes,
        &[],
        justify,
    )
}

/// The values an index repr shows: all of them, or (past `MAX_SEQ_ITEMS`) the first and last
/// `SHOWN_AT_EACH_END`.
pub enum Shown {
    All(Vec<String>),
    Ends(Vec<String>, Vec<String>),
}

impl Shown {
    /// What pandas shows of all of `values`.
    pub fn of(values: &[String]) -> Shown {
        if values.len() > MAX_SEQ_ITEMS {
            Shown::Ends(
                values[..SHOWN_AT_EACH_END].to_vec(),
                values[values.len() - SHOWN_AT_EACH_END..].to_vec(),
            )
        } else {
            Shown::All(values.to_vec())
        }
    }
}

/// The repr of an index of `length` values of which `shown` are written out; `attributes` come
/// before pandas' `length=` and `trailing` after it (a DatetimeIndex's `freq=None`).
pub fn shown_index_repr(
    class: &str,
    shown: Shown,
    length: usize,
    attributes: &[String],
    trailing: &[String],
    justify: bool,
) -> String {
    let mut attributes = attributes.to_vec();
    if length > MAX_SEQ_ITEMS {
        attributes.push(format!("length={length}"));
    }
    attributes.extend_from_slice(trailing);
    let data = values_summary(class, shown, justify);
    format!("{class}({data}{})", attributes.join(", "))
}

/// The bracketed values and what follows them: `, ` when they fit on one line, else `,` and a
/// line break.
fn values_summary(class: &str, shown: Shown, justify: bool) -> String {
    let continuation = format!("\n{}", " ".repeat(class.len() + 2));
    let closing_space = format!("\n{}", " ".repeat(class.len() + 1));
    let (truncated, mut head, mut tail) = match shown {
        Shown::All(values) => (false, Vec::new(), values),
        Shown::Ends(head, tail) => (true, head, tail),
    };
    if !truncated {
        match tail.as_slice() {
            [] => return "[], ".to_string(),
            [only] => return format!("[{only}], "),
            [first, last] => return format!("[{first}, {last}], "),
            _ => {}
        }
    }
    let fits = |part: &[String]| part.join(", ").chars().count() < DISPLAY_WIDTH;
    if justify && (truncated || !(fits(&head) && fits(&tail))) {
        let widest = head
            .iter()
            .chain(&tail)
            .map(|v| v.chars().count())
            .max()
            .unwrap_or(0);
        for value in head.iter_mut().chain(tail.iter_mut()) {
            *value = format!("{value:>widest$}");
        }
    }
    let Some((last, rest)) = tail.split_last() else {
        return "[], ".to_string();
    };
    let mut lines = Lines {
        summary: String::new(),
        line: continuation.clone(),
        continuation: &continuation,
    };
    for value in &head {
        lines.add(&format!("{value}, "), DISPLAY_WIDTH);
    }
    if truncated {
        lines.summary.push_str(lines.line.trim_end());
        lines.summary.push_str(&continuation);
        lines.summary.push_str("...");
        lines.line = continuation.clone();
    }
    for value in rest {
        lines.add(&format!("{value}, "), DISPLAY_WIDTH);
    }
    // The last value has no separator, but keeps room for the comma after the bracket.
    lines.add(last, DISPLAY_WIDTH - 2);
    let mut summary = lines.summary + &lines.line + "]";
    if summary.chars().count() > DISPLAY_WIDTH {
        summary.push(',');
        summary.push_str(&closing_space);
    } else {
        summary.push_str(", ");
    }
    format!("[{}", &summary[continuation.len()..])
}

/// The wrapped lines being written: those done, and the current one.
struct Lines<'a> {
    summary: String,
    line: String,
    /// What starts each new line: a line break and the indent under the opening bracket.
    continuation: &'a str,
}

impl Lines<'_> {
    /// Adds `value` to the current line, first moving the line into the summary when the two
    /// together would reach `width`.
    fn add(&mut self, value: &str, width: usize) {
        let length = |text: &str| text.trim_end().chars().count();
        if length(&self.line) + length(value) >= width {
            self.summary.push_str(self.line.trim_end());
            self.line = self.continuation.to_string();
        }
        self.line.push_str(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| format!("'{n}'")).collect()
    }

    fn object_index(names: &[&str]) -> String {
        index_repr(
            "Index",
            &quoted(names),
            &["dtype='object'".to_string()],
            false,
        )
    }

    #[test]
    fn a_short_index_is_one_line() {
        assert_eq!(
            object_index(&["Origin", "Dest"]),
            "Index(['Origin', 'Dest'], dtype='object')"
        );
        assert_eq!(object_index(&[]), "Index([], dtype='object')");
        assert_eq!(
            object_index(&["a", "b", "c"]),
            "Index(['a', 'b', 'c'], dtype='object')"
        );
    }

    #[test]
    fn a_long_index_wraps_as_pandas_wraps_it() {
        // pandas 2.2: print(pd.read_csv("data/nycflights/1990.csv").columns)
        let columns = [
            "Year",
            "Month",
            "DayofMonth",
            "DayOfWeek",
            "DepTime",
            "CRSDepTime",
            "ArrTime",
            "CRSArrTime",
            "UniqueCarrier",
            "FlightNum",
            "TailNum",
            "ActualElapsedTime",
            "CRSElapsedTime",
            "AirTime",
            "ArrDelay",
            "DepDelay",
            "Origin",
            "Dest",
            "Distance",
            "TaxiIn",
            "TaxiOut",
            "Cancelled",
            "Diverted",
        ];
        assert_eq!(
            object_index(&columns),
            "Index(['Year', 'Month', 'DayofMonth', 'DayOfWeek', 'DepTime', 'CRSDepTime',\n       \
             'ArrTime', 'CRSArrTime', 'UniqueCarrier', 'FlightNum', 'TailNum',\n       \
             'ActualElapsedTime', 'CRSElapsedTime', 'AirTime', 'ArrDelay',\n       \
             'DepDelay', 'Origin', 'Dest', 'Distance', 'TaxiIn', 'TaxiOut',\n       \
             'Cancelled', 'Diverted'],\n      dtype='object')"
        );
    }

    #[test]
    fn more_than_a_hundred_values_show_their_ends_and_length() {
        // pandas 2.2: print(pd.Index([f"c{i}" for i in range(150)]))
        let names: Vec<String> = (0..150).map(|i| format!("c{i}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        assert_eq!(
            object_index(&names),
            "Index(['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9',\n       ...\n       \
             'c140', 'c141', 'c142', 'c143', 'c144', 'c145', 'c146', 'c147', 'c148',\n       \
             'c149'],\n      dtype='object', length=150)"
        );
    }

    #[test]
    fn numbers_that_wrap_are_padded_to_one_width() {
        // pandas 2.2: print(pd.Index([1000 * i for i in range(40)]))
        let numbers: Vec<String> = (0..40).map(|i| (1000 * i).to_string()).collect();
        let lines: Vec<String> = (0..4)
            .map(|row| {
                (0..10)
                    .map(|col| format!("{:>5}", 1000 * (row * 10 + col)))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .collect();
        assert_eq!(
            index_repr("Index", &numbers, &["dtype='int64'".to_string()], true),
            format!(
                "Index([{}],\n      dtype='int64')",
                lines.join(",\n       ")
            )
        );
    }
}
