package dev.lanes.training.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a CSV table of numeric features and one class column into a {@link TableDataset}.
 *
 * <p>The format: UTF-8 (gzip is detected as for IDX files), a header line of unique non-empty column names,
 * then one row per line with as many fields as the header, separated by commas; LF or CRLF line ends; blank
 * lines at the end are ignored. A field may be enclosed in double quotes (with {@code ""} for a quote inside).
 * Every column but the class column must hold a finite number in every row. Classes are numbered in sorted
 * order of their names — numerically when every name is an integer — so the labels do not depend on row order.
 *
 * <p>Anything else is refused with a {@link CorruptDataException} naming the file, the line, the column and
 * the byte offset.
 */
public final class CsvReader {
    private CsvReader() {}

    /** The table with its last column as the class. */
    public static TableDataset read(Path file) throws IOException {
        return read(file, null);
    }

    /** The table with the named column as the class ({@code null}: the last column). */
    public static TableDataset read(Path file, String classColumn) throws IOException {
        byte[] bytes = DataFiles.readAll(file);
        List<Row> rows = parse(file, bytes);
        if (rows.isEmpty()) throw new CorruptDataException(file, 0, "the file is empty: a CSV table needs a header line");
        Row header = rows.get(0);
        Set<String> seen = new HashSet<>();
        for (int c = 0; c < header.fields.size(); c++) {
            String name = header.fields.get(c).trim();
            if (name.isEmpty()) throw corrupt(file, header, c, "column " + (c + 1) + " of the header has no name");
            if (!seen.add(name)) throw corrupt(file, header, c, "column name '" + name + "' appears twice in the header");
        }
        int columns = header.fields.size();
        if (columns < 2) throw corrupt(file, header, 0, "the header has " + columns + " column; a table needs features and a class column");
        int classIndex = columns - 1;
        if (classColumn != null) {
            classIndex = -1;
            for (int c = 0; c < columns; c++) if (header.fields.get(c).trim().equals(classColumn)) classIndex = c;
            if (classIndex < 0) {
                throw new IllegalArgumentException(file + ": no column named '" + classColumn + "' (the header has " + header.fields + ")");
            }
        }
        int n = rows.size() - 1;
        if (n == 0) throw new CorruptDataException(file, bytes.length, "the table has a header but no rows");
        List<String> featureNames = new ArrayList<>();
        for (int c = 0; c < columns; c++) if (c != classIndex) featureNames.add(header.fields.get(c).trim());
        int f = featureNames.size();
        float[] features = new float[n * f];
        String[] classOf = new String[n];
        for (int r = 0; r < n; r++) {
            Row row = rows.get(r + 1);
            if (row.fields.size() != columns) {
                throw corrupt(file, row, Math.min(row.fields.size() - 1, columns), "the row has " + row.fields.size()
                        + " fields but the header has " + columns);
            }
            for (int c = 0, k = 0; c < columns; c++) {
                String v = row.fields.get(c).trim();
                if (c == classIndex) {
                    if (v.isEmpty()) throw corrupt(file, row, c, "the class column '" + header.fields.get(c).trim() + "' is empty");
                    classOf[r] = v;
                    continue;
                }
                features[r * f + k++] = number(file, row, c, v, header.fields.get(c).trim());
            }
        }
        List<String> classes = classNames(classOf);
        int[] labels = new int[n];
        for (int r = 0; r < n; r++) labels[r] = classes.indexOf(classOf[r]);
        return new TableDataset(features, labels, featureNames, classes);
    }

    private static float number(Path file, Row row, int c, String v, String column) throws CorruptDataException {
        if (v.isEmpty()) throw corrupt(file, row, c, "missing value in column '" + column + "'");
        float x;
        try {
            x = Float.parseFloat(v);
        } catch (NumberFormatException e) {
            throw corrupt(file, row, c, "'" + v + "' in column '" + column + "' is not a number");
        }
        if (!Float.isFinite(x)) throw corrupt(file, row, c, "'" + v + "' in column '" + column + "' is not a finite float");
        return x;
    }

    /** Sorted distinct names: numerically when all are integers, else as text. */
    private static List<String> classNames(String[] classOf) {
        boolean integers = true;
        for (String s : classOf) integers &= s.matches("-?\\d{1,18}");
        Comparator<String> order = integers ? Comparator.comparingLong(Long::parseLong) : Comparator.naturalOrder();
        TreeSet<String> names = new TreeSet<>(order);
        for (String s : classOf) names.add(s);
        return List.copyOf(names);
    }

    /** One line: its number (1-based), and each field's text and byte offset. */
    private record Row(int line, List<String> fields, List<Long> offsets) {}

    private static CorruptDataException corrupt(Path file, Row row, int field, String problem) {
        int f = Math.max(0, Math.min(field, row.offsets.size() - 1));
        return new CorruptDataException(file, row.offsets.get(f), "line " + row.line + ", column " + (f + 1) + ": " + problem);
    }

    /** Splits the bytes into rows of fields, honouring quotes; blank lines at the end are dropped. */
    private static List<Row> parse(Path file, byte[] bytes) throws CorruptDataException {
        String text = decode(file, bytes);
        List<Row> rows = new ArrayList<>();
        int line = 1;
        long offset = 0; // byte offset of position i (the text is re-encoded as we go)
        int i = 0, len = text.length();
        if (text.startsWith("\uFEFF")) { // a byte-order mark, as spreadsheet programs write
            i = 1;
            offset = 3;
        }
        while (i < len) {
            List<String> fields = new ArrayList<>();
            List<Long> offsets = new ArrayList<>();
            int rowLine = line;
            boolean endOfRow = false;
            while (!endOfRow) {
                offsets.add(offset);
                StringBuilder field = new StringBuilder();
                if (i < len && text.charAt(i) == '"') {
                    long quoteAt = offset;
                    i++;
                    offset++;
                    while (true) {
                        if (i >= len) throw new CorruptDataException(file, quoteAt, "line " + rowLine + ": a quoted field is never closed");
                        char ch = text.charAt(i);
                        if (ch == '"' && i + 1 < len && text.charAt(i + 1) == '"') {
                            field.append('"');
                            i += 2;
                            offset += 2;
                        } else if (ch == '"') {
                            i++;
                            offset++;
                            break;
                        } else {
                            if (ch == '\n') line++;
                            field.append(ch);
                            offset += utf8Length(text, i);
                            i += Character.charCount(text.codePointAt(i));
                        }
                    }
                    if (i < len && text.charAt(i) != ',' && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
                        throw new CorruptDataException(file, offset, "line " + line + ": text after the closing quote of a field");
                    }
                } else {
                    while (i < len && text.charAt(i) != ',' && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
                        char ch = text.charAt(i);
                        if (ch == '"') throw new CorruptDataException(file, offset, "line " + line + ": a quote inside an unquoted field");
                        field.append(ch);
                        offset += utf8Length(text, i);
                        i += Character.charCount(text.codePointAt(i));
                    }
                }
                fields.add(field.toString());
                if (i < len && text.charAt(i) == ',') {
                    i++;
                    offset++;
                } else {
                    endOfRow = true;
                    if (i < len && text.charAt(i) == '\r') {
                        if (i + 1 >= len || text.charAt(i + 1) != '\n') {
                            throw new CorruptDataException(file, offset, "line " + line + ": a carriage return not followed by a line feed");
                        }
                        i++;
                        offset++;
                    }
                    if (i < len) {
                        i++;
                        offset++;
                        line++;
                    }
                }
            }
            rows.add(new Row(rowLine, fields, offsets));
        }
        while (!rows.isEmpty() && isBlank(rows.get(rows.size() - 1))) rows.remove(rows.size() - 1);
        for (Row r : rows) {
            if (isBlank(r)) throw new CorruptDataException(file, r.offsets.get(0), "line " + r.line + " is blank (only trailing blank lines are allowed)");
        }
        return rows;
    }

    private static boolean isBlank(Row r) {
        return r.fields.size() == 1 && r.fields.get(0).isBlank();
    }

    private static int utf8Length(String s, int i) {
        int cp = s.codePointAt(i);
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

    private static String decode(Path file, byte[] bytes) throws CorruptDataException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = StandardCharsets.UTF_8.newDecoder().decode(in, out, true);
        if (r.isError()) throw new CorruptDataException(file, in.position(), "not UTF-8 text (" + r + ")");
        return out.flip().toString();
    }
}
