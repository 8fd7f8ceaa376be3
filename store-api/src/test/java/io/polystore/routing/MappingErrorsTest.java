package io.polystore.routing;

import io.polystore.MappingException;
import io.polystore.mapping.EntityModel;
import io.polystore.mapping.ValueKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Invalid entities fail when their model is first built, naming the class and the field. */
class MappingErrorsTest {

    @Test
    void anEntityWithoutIdIsRefused() {
        assertThatThrownBy(() -> EntityModel.of(Entities.NoId.class)).isInstanceOf(MappingException.class)
                .hasMessageContaining("Entities$NoId").hasMessageContaining("no id field").hasMessageContaining("@");
    }

    @Test
    void twoIdsAreRefused() {
        assertThatThrownBy(() -> EntityModel.of(Entities.TwoIds.class)).isInstanceOf(MappingException.class)
                .hasMessageContaining("Entities$TwoIds").hasMessageContaining("a, b");
    }

    @Test
    void anUnsupportedIdTypeIsNamed() {
        assertThatThrownBy(() -> EntityModel.of(Entities.DoubleId.class)).isInstanceOf(MappingException.class)
                .hasMessageContaining("Entities$DoubleId.id").hasMessageContaining("double")
                .hasMessageContaining("String, long/Long or java.util.UUID");
    }

    @Test
    void aNonNumericVersionIsRefused() {
        assertThatThrownBy(() -> EntityModel.of(Entities.IntVersion.class)).isInstanceOf(MappingException.class)
                .hasMessageContaining("Entities$IntVersion.version").hasMessageContaining("@Version");
    }

    @Test
    void duplicateFieldNamesAreRefused() {
        assertThatThrownBy(() -> EntityModel.of(Entities.Shadowing.class)).isInstanceOf(MappingException.class)
                .hasMessageContaining("Entities$Shadowing").hasMessageContaining("duplicate field name 'name'")
                .hasMessageContaining("Entities$Base");
    }

    @Test
    void aClassWithoutUsableConstructorIsRefused() {
        assertThatThrownBy(() -> EntityModel.of(Entities.NoConstructor.class)).isInstanceOf(MappingException.class)
                .hasMessageContaining("Entities$NoConstructor").hasMessageContaining("no-argument constructor");
    }

    @Test
    void anInterfaceIsRefused() {
        assertThatThrownBy(() -> EntityModel.of(Entities.NotAClass.class)).isInstanceOf(MappingException.class)
                .hasMessageContaining("record or a concrete class");
    }

    @Test
    void aFieldNamedIdIsTheIdWithoutAnnotation() {
        EntityModel<Entities.Follow> model = EntityModel.of(Entities.Follow.class);
        assertThat(model.id().name()).isEqualTo("id");
        assertThat(model.idKind()).isEqualTo(EntityModel.IdKind.STRING);
        assertThat(model.property("at")).hasValueSatisfying(p -> assertThat(p.kind()).isEqualTo(ValueKind.INSTANT));
    }

    @Test
    void theModelDescribesVersionIndexesAndKinds() {
        EntityModel<Entities.User> model = EntityModel.of(Entities.User.class);
        assertThat(model.name()).isEqualTo("User");
        assertThat(model.version()).hasValueSatisfying(v -> assertThat(v.name()).isEqualTo("version"));
        assertThat(model.indexed()).extracting(p -> p.name()).containsExactly("name");
        EntityModel<Entities.Note> notes = EntityModel.of(Entities.Note.class);
        assertThat(notes.idKind()).isEqualTo(EntityModel.IdKind.LONG);
        assertThat(notes.property("tags").orElseThrow().kind()).isEqualTo(ValueKind.LIST);
        assertThat(notes.property("tags").orElseThrow().elementKind()).isEqualTo(ValueKind.STRING);
    }
}
