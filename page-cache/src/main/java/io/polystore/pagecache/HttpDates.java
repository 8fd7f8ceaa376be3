package io.polystore.pagecache;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP dates exactly as RFC 9110 §5.6.7 defines them: IMF-fixdate
 * ({@code Sun, 06 Nov 1994 08:49:37 GMT}), and the obsolete RFC 850
 * ({@code Sunday, 06-Nov-94 08:49:37 GMT}) and asctime ({@code Sun Nov  6 08:49:37 1994}) forms a
 * recipient must accept. Anything else (a one-digit hour, another zone, a lower-case month, a
 * 31 November) is invalid; an invalid {@code Expires} means already expired (RFC 9111 §5.3).
 */
final class HttpDates {
    private static final String DAY = "(Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
    private static final String LONG_DAY = "(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
    private static final String MONTH = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
    private static final String TIME = "(\\d{2}):(\\d{2}):(\\d{2})";
    private static final Pattern IMF = Pattern.compile(DAY + ", (\\d{2}) " + MONTH + " (\\d{4}) " + TIME + " GMT");
    private static final Pattern RFC850 = Pattern.compile(LONG_DAY + ", (\\d{2})-" + MONTH + "-(\\d{2}) " + TIME + " GMT");
    private static final Pattern ASCTIME = Pattern.compile(DAY + " " + MONTH + " ( \\d|\\d{2}) " + TIME + " (\\d{4})");
    private static final List<String> MONTHS = List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
            "Oct", "Nov", "Dec");

    private HttpDates() {
    }

    /**
     * @param value a header value (surrounding whitespace is ignored), or null
     * @param nowMillis now, to place a two-digit year of the RFC 850 form
     * @return epoch milliseconds, or -1 when the value is not an HTTP date
     */
    static long parse(String value, long nowMillis) {
        if (value == null) {
            return -1;
        }
        String v = value.strip();
        try {
            Matcher m = IMF.matcher(v);
            if (m.matches()) {
                return at(Integer.parseInt(m.group(4)), m.group(3), m.group(2), m.group(5), m.group(6), m.group(7));
            }
            m = RFC850.matcher(v);
            if (m.matches()) {
                return at(fullYear(Integer.parseInt(m.group(4)), nowMillis), m.group(3), m.group(2), m.group(5), m.group(6),
                        m.group(7));
            }
            m = ASCTIME.matcher(v);
            if (m.matches()) {
                return at(Integer.parseInt(m.group(7)), m.group(2), m.group(3).trim(), m.group(4), m.group(5), m.group(6));
            }
        } catch (DateTimeException e) {
            return -1;
        }
        return -1;
    }

    /** RFC 9110 §5.6.7: a two-digit year more than 50 years in the future is the most recent past year with those digits. */
    private static int fullYear(int twoDigits, long nowMillis) {
        int thisYear = LocalDateTime.ofEpochSecond(nowMillis / 1000, 0, ZoneOffset.UTC).getYear();
        int year = thisYear - thisYear % 100 + twoDigits;
        if (year > thisYear + 50) {
            year -= 100;
        }
        return year;
    }

    private static long at(int year, String month, String day, String hour, String minute, String second) {
        int s = Integer.parseInt(second);
        LocalDateTime t = LocalDateTime.of(year, MONTHS.indexOf(month) + 1, Integer.parseInt(day), Integer.parseInt(hour),
                Integer.parseInt(minute), Math.min(s, 59)); // throws for 31 Nov, hour 24, minute 60
        if (s > 60) {
            throw new DateTimeException("second " + s);
        }
        return t.toInstant(ZoneOffset.UTC).toEpochMilli() + (s == 60 ? 1000 : 0); // a leap second
    }
}
