package io.sysgenid.core.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering rules every module's architecture test applies to its own main classes (core's test-jar
 * carries them, so the modules above core share one wording). A module is named by its root package.
 */
public final class ModuleRules {
    /** Reactor and Reactive Streams. */
    public static final String[] REACTOR = {"reactor..", "org.reactivestreams..", "io.sysgenid.reactor.."};
    /** Spring, and this project's Spring Boot modules. */
    public static final String[] SPRING = {"org.springframework..", "io.sysgenid.spring.."};

    private ModuleRules() {}

    /**
     * The module's classes use no package named {@code internal} but its own: another module's internals
     * (this project's or a library's) are no API and change without notice.
     */
    public static ArchRule noInternalsOfOtherModules(String rootPackage) {
        return noClasses().that().resideInAPackage(rootPackage + "..")
                .should().dependOnClassesThat(
                        resideInAPackage("..internal..").and(not(resideInAPackage(rootPackage + ".."))))
                .as("classes in " + rootPackage + " use no internal package of another module");
    }

    /** The module's classes depend on nothing in {@code packages} (ArchUnit package patterns). */
    public static ArchRule knowsNothingOf(String rootPackage, String what, String... packages) {
        return noClasses().that().resideInAPackage(rootPackage + "..")
                .should().dependOnClassesThat(resideInAnyPackage(packages))
                .as(rootPackage + " knows no " + what);
    }
}
