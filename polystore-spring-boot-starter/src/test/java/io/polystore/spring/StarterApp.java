package io.polystore.spring;

import io.polystore.Repository;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import jakarta.servlet.http.HttpServletResponse;

/** A Spring MVC application that gets its repositories injected by generic type. */
@SpringBootApplication
public class StarterApp {

    /** Pages over the two repositories. */
    @RestController
    public static class Widgets {
        final Repository<Widget, String> widgets;
        final Repository<Visit, Long> visits;

        public Widgets(Repository<Widget, String> widgets, Repository<Visit, Long> visits) {
            this.widgets = widgets;
            this.visits = visits;
        }

        @PostMapping("/widgets/{name}")
        public String create(@PathVariable String name) {
            return widgets.save(new Widget(null, name, 0)).id();
        }

        @GetMapping("/widgets/{id}")
        public String show(@PathVariable String id, HttpServletResponse res) {
            visits.save(new Visit(null, "/widgets/" + id));
            res.setHeader("Cache-Control", "public, max-age=60");
            return widgets.findById(id).map(w -> w.name() + " v" + w.version() + " rendered " + System.nanoTime()).orElse("none");
        }
    }
}
