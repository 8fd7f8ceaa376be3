package io.polystore.spring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.polystore.ConfigurationException;
import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.mapping.EntityModel;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.Resource;

import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Registers a {@code Repository<T, ID>} bean per entity type: those under {@code entities} in
 * {@code polystore.config} or {@code polystore.entities}, and those in {@code polystore.repositories}.
 * Each bean has the full generic type, so {@code Repository<User, String> users} in a constructor
 * gets the repository of the store {@code User} is routed to. Bean names are the simple class name
 * with {@code Repository} appended ({@code userRepository}), or the full name when two types share one.
 */
public final class PolystoreRepositories implements BeanDefinitionRegistryPostProcessor {
    private final Environment env;

    PolystoreRepositories(Environment env) {
        this.env = env;
    }

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
        ClassLoader loader = registry instanceof ConfigurableListableBeanFactory f && f.getBeanClassLoader() != null
                ? f.getBeanClassLoader() : Thread.currentThread().getContextClassLoader();
        Set<String> simpleNames = new LinkedHashSet<>();
        Set<String> duplicates = new LinkedHashSet<>();
        List<Class<?>> types = types(loader);
        for (Class<?> t : types) {
            if (!simpleNames.add(t.getSimpleName())) {
                duplicates.add(t.getSimpleName());
            }
        }
        BeanFactory beans = (BeanFactory) registry;
        for (Class<?> type : types) {
            EntityModel<?> model = EntityModel.of(type);
            Class<?> id = switch (model.idKind()) {
                case LONG -> Long.class;
                case UUID -> UUID.class;
                default -> String.class;
            };
            RootBeanDefinition def = new RootBeanDefinition(Repository.class);
            def.setTargetType(ResolvableType.forClassWithGenerics(Repository.class, type, id));
            def.setInstanceSupplier(() -> beans.getBean(Polystore.class).repository(type));
            def.setDependsOn("polystore");
            String simple = Character.toLowerCase(type.getSimpleName().charAt(0)) + type.getSimpleName().substring(1) + "Repository";
            registry.registerBeanDefinition(duplicates.contains(type.getSimpleName()) ? type.getName() + "Repository" : simple, def);
        }
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
    }

    private List<Class<?>> types(ClassLoader loader) {
        Set<String> names = new LinkedHashSet<>();
        String config = env.getProperty("polystore.config");
        if (config != null) {
            Resource r = new DefaultResourceLoader(loader).getResource(config);
            try (InputStream in = r.getInputStream()) {
                JsonNode entities = new YAMLMapper().readTree(in).path("entities");
                for (Iterator<String> it = entities.fieldNames(); it.hasNext(); ) {
                    names.add(it.next());
                }
            } catch (IOException e) {
                throw new ConfigurationException("polystore.config = '" + config + "': cannot read it (" + e.getMessage() + ")");
            }
        }
        Binder binder = Binder.get(env);
        names.addAll(binder.bind("polystore.entities", Bindable.mapOf(String.class, String.class)).orElse(Map.of()).keySet());
        names.addAll(binder.bind("polystore.repositories", Bindable.listOf(String.class)).orElse(List.of()));
        return names.stream().<Class<?>>map(n -> load(n, "polystore", loader)).toList();
    }

    static Class<?> load(String name, String key, ClassLoader loader) {
        try {
            return Class.forName(name.replace('/', '.'), false, loader);
        } catch (ClassNotFoundException e) {
            throw new ConfigurationException(key + ": entity class '" + name + "' is not on the class path");
        }
    }
}
