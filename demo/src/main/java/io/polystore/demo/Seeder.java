package io.polystore.demo;

import io.polystore.demo.model.Note;
import io.polystore.demo.model.Profile;
import io.polystore.demo.model.User;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Fills an empty app with made-up people, notes and a follow graph in which a few people are
 * followed by many (Zipf's law), so that pages, the graph and the cache have something to do.
 * Deterministic for a seed. Only the {@value #DEMO_HANDLE} account can sign in (its password is
 * printed at start); the others have no password.
 */
public final class Seeder {
    /** The account one can sign in with. */
    public static final String DEMO_HANDLE = "demo";
    /** Its password. */
    public static final String DEMO_PASSWORD = "polynotes-demo";

    private static final String[] FIRST = {"Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Margaret",
        "Dennis", "Radia", "John", "Hedy", "Tim", "Karen", "Niklaus", "Sophie", "Linus", "Shafi", "Leslie", "Joan", "Guido",
        "Anita", "Bjarne", "Jean", "Yukihiro", "Lynn", "Rob", "Mary", "James", "Evelyn", "Ward", "Annie", "Larry", "Ruth",
        "Brian", "Kathleen", "Ivan", "Adele", "Whitfield", "Zoë", "Søren", "Chloé", "José", "Ingrid", "Mateo", "Aiko", "Priya"};
    private static final String[] LAST = {"Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson",
        "Hamilton", "Ritchie", "Perlman", "McCarthy", "Lamarr", "Berners-Lee", "Spärck Jones", "Wirth", "Wilson", "Torvalds",
        "Goldwasser", "Lamport", "Clarke", "van Rossum", "Borg", "Stroustrup", "Sammet", "Matsumoto", "Conway", "Pike",
        "Keller", "Gosling", "Boyd", "Cunningham", "Easley", "Page", "Teitelman", "Kernighan", "Booth", "Sutherland",
        "Goldberg", "Diffie", "Nørgaard", "Ødegaard", "Müller", "García", "Sato", "Iyer"};
    private static final String[] CITIES = {"London", "Zürich", "Paris", "Berlin", "Oslo", "Lisbon", "Kraków", "Tokyo",
        "São Paulo", "Toronto", "Nairobi", "Bengaluru", "Melbourne", "Reykjavík", "Montréal", null};
    private static final String[] TAGS = {"java", "databases", "recipes", "travel", "reading", "garden", "music", "running",
        "ideas", "work", "redis", "postgres", "graphs", "cycling", "photography", "coffee", "books", "films", "chess", "hiking",
        "café", "été", "baking", "climbing", "design", "writing", "kids", "science", "history", "lists"};
    private static final String[] WORDS = ("the a of and to in is it that for on with as was at by this be from or an are "
            + "note idea list plan weekend morning coffee queue index cache page store graph edge node bread flour oven "
            + "trail mountain river city train book chapter draft sketch garden tomato basil pepper chord song tempo "
            + "run pace mile ride wheel photo light lens chess opening endgame recipe salt butter lemon shelf query "
            + "schema table document key value latency bench thread lock version cursor stream batch").split(" ");
    private static final String[] ITEMS = {"buy flour", "call the plumber", "renew passport", "read chapter 3", "book train tickets",
        "water the tomatoes", "back up the laptop", "reply to Sam", "fix the bike light", "try the new café", "pack the tent",
        "write the summary", "update the bench figures", "return library books"};

    private final Polynotes app;
    private final PrintStream out;
    private final Random random;
    private final int users;
    private final int notes;

    /**
     * @param app   the app
     * @param out   where the progress line goes
     * @param seed  the random seed
     * @param users how many people
     * @param notes how many notes
     */
    public Seeder(Polynotes app, PrintStream out, long seed, int users, int notes) {
        this.app = app;
        this.out = out;
        this.random = new Random(seed);
        this.users = users;
        this.notes = notes;
    }

    /**
     * Seeds when there are no users yet.
     *
     * @param demoHash the bcrypt hash of {@link #DEMO_PASSWORD}
     * @return whether it seeded
     */
    public boolean seedIfEmpty(String demoHash) {
        if (app.users().count() > 0) {
            return false;
        }
        long start = System.nanoTime();
        Instant now = app.now();
        List<User> people = new ArrayList<>();
        Set<String> handles = new HashSet<>();
        people.add(new User(null, DEMO_HANDLE, "Demo User", demoHash, null, null, now.minus(Duration.ofDays(120)), 0));
        handles.add(DEMO_HANDLE);
        while (people.size() < users) {
            String first = FIRST[random.nextInt(FIRST.length)];
            String last = LAST[random.nextInt(LAST.length)];
            String base = ascii(first.charAt(0) + last).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
            String handle = base;
            for (int i = 2; !handles.add(handle); i++) {
                handle = base + i;
            }
            people.add(new User(null, handle, first + " " + last, null, null, null,
                    now.minus(Duration.ofMinutes(random.nextInt(60 * 24 * 365))), 0));
        }
        List<User> saved = app.users().saveAll(people);
        List<Profile> profiles = new ArrayList<>();
        for (User u : saved) {
            String city = CITIES[random.nextInt(CITIES.length)];
            profiles.add(new Profile(u.id(), u.handle().equals(DEMO_HANDLE) ? "The account to try things with." : bio(), city, null, 0));
        }
        app.profiles().saveAll(profiles);
        progress("people %d/%d", saved.size(), users);

        // the demo account (first) writes nothing and is followed by nobody yet: it starts as a newcomer would
        Zipf popularity = new Zipf(saved.size() - 1, 1.0, random);
        List<Note> batch = new ArrayList<>();
        int written = 0;
        for (int i = 0; i < notes; i++) {
            User author = saved.get(1 + popularity.next());
            Instant at = now.minus(Duration.ofSeconds(random.nextInt(90 * 24 * 3600)));
            List<Note.Comment> comments = new ArrayList<>();
            if (random.nextInt(10) < 3) {
                int c = 1 + random.nextInt(3);
                for (int k = 0; k < c; k++) {
                    comments.add(new Note.Comment(saved.get(random.nextInt(saved.size())).id(), sentence(6 + random.nextInt(12)),
                            at.plus(Duration.ofMinutes(1 + random.nextInt(600)))));
                }
            }
            batch.add(new Note(null, author.id(), title(), body(), tags(), checklist(), comments, random.nextInt(10) != 0, at, at, 0));
            if (batch.size() == 500 || i == notes - 1) {
                app.notes().saveAll(batch);
                written += batch.size();
                batch.clear();
                progress("people %d/%d, notes %d/%d", saved.size(), users, written, notes);
            }
        }

        List<String[]> edges = new ArrayList<>();
        for (User u : saved) {
            int k = 2 + random.nextInt(11);
            Set<Integer> chosen = new HashSet<>();
            for (int tries = 0; chosen.size() < k && tries < 100; tries++) {
                int j = 1 + popularity.next();
                if (!saved.get(j).id().equals(u.id())) {
                    chosen.add(j);
                }
            }
            chosen.forEach(j -> edges.add(new String[]{u.id(), saved.get(j).id()}));
        }
        for (int i = 0; i < edges.size(); i += 500) {
            app.followAll(edges.subList(i, Math.min(edges.size(), i + 500)));
            progress("people %d/%d, notes %d/%d, follows %d/%d", saved.size(), users, notes, notes,
                    Math.min(edges.size(), i + 500), edges.size());
        }
        out.printf("%nseeded %d people, %d notes and %d follows in %.1f s%n", saved.size(), notes, edges.size(),
                (System.nanoTime() - start) / 1e9);
        return true;
    }

    private synchronized void progress(String format, Object... args) {
        out.print("\rseeding: " + String.format(format, args));
        out.flush();
    }

    private static String ascii(String s) {
        return java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFD).replaceAll("\\p{M}", "")
                .replace("ø", "o").replace("Ø", "O");
    }

    private String word() {
        return WORDS[random.nextInt(WORDS.length)];
    }

    private String sentence(int words) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < words; i++) {
            b.append(i == 0 ? "" : " ").append(word());
        }
        return Character.toUpperCase(b.charAt(0)) + b.substring(1) + ".";
    }

    private String title() {
        String s = sentence(2 + random.nextInt(5));
        return s.substring(0, s.length() - 1);
    }

    private String body() {
        StringBuilder b = new StringBuilder();
        int paragraphs = 1 + random.nextInt(3);
        for (int p = 0; p < paragraphs; p++) {
            if (p > 0) {
                b.append("\n\n");
            }
            int sentences = 1 + random.nextInt(4);
            for (int s = 0; s < sentences; s++) {
                b.append(s == 0 ? "" : " ").append(sentence(5 + random.nextInt(14)));
            }
        }
        return b.toString();
    }

    private String bio() {
        return sentence(4 + random.nextInt(10));
    }

    private List<String> tags() {
        Set<String> t = new java.util.LinkedHashSet<>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            // a skewed choice, so that a few tags are popular
            t.add(TAGS[(int) Math.floor(Math.pow(random.nextDouble(), 2) * TAGS.length)]);
        }
        return List.copyOf(t);
    }

    private List<Note.Item> checklist() {
        if (random.nextInt(4) != 0) {
            return List.of();
        }
        List<Note.Item> items = new ArrayList<>();
        int n = 2 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            items.add(new Note.Item(ITEMS[random.nextInt(ITEMS.length)], random.nextBoolean()));
        }
        return items;
    }

    /** Ranks 0..n-1 drawn with probability proportional to 1/(rank+1)^s. */
    static final class Zipf {
        private final double[] cdf;
        private final Random random;

        Zipf(int n, double s, Random random) {
            this.random = random;
            cdf = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += 1 / Math.pow(i + 1, s);
                cdf[i] = sum;
            }
            for (int i = 0; i < n; i++) {
                cdf[i] /= sum;
            }
        }

        int next() {
            int i = java.util.Arrays.binarySearch(cdf, random.nextDouble());
            return Math.min(cdf.length - 1, i >= 0 ? i : -i - 1);
        }
    }
}
