package net.tallynet.protocol.codec;

import net.tallynet.protocol.OptionalField;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.introspect.AnnotatedMember;
import tools.jackson.databind.introspect.JacksonAnnotationIntrospector;

/**
 * Makes every record component required unless marked {@link OptionalField}, so an absent field
 * is a {@code missing_field} rejection instead of a silent 0 or null.
 */
final class RequiredComponentsIntrospector extends JacksonAnnotationIntrospector {

    @Override
    public Boolean hasRequiredMarker(MapperConfig<?> config, AnnotatedMember member) {
        if (member.getDeclaringClass().isRecord()) {
            return !member.hasAnnotation(OptionalField.class);
        }
        return super.hasRequiredMarker(config, member);
    }
}
