package io.sysgenid.core.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;

/**
 * Core is the bottom layer: no Reactor, no Spring, nobody else's internals.
 *
 * <p>The rules are methods, not fields: Surefire 3.5.3 does not run {@code @ArchTest} fields.
 */
@AnalyzeClasses(packages = "io.sysgenid.core", importOptions = ImportOption.DoNotIncludeTests.class)
class CoreArchitectureTest {
    @ArchTest
    static void noReactor(JavaClasses classes) {
        ModuleRules.knowsNothingOf("io.sysgenid.core", "Reactor", ModuleRules.REACTOR).check(classes);
    }

    @ArchTest
    static void noSpring(JavaClasses classes) {
        ModuleRules.knowsNothingOf("io.sysgenid.core", "Spring", ModuleRules.SPRING).check(classes);
    }

    @ArchTest
    static void noMicrometer(JavaClasses classes) {
        ModuleRules.knowsNothingOf("io.sysgenid.core", "Micrometer", "io.micrometer..").check(classes);
    }

    @ArchTest
    static void noForeignInternals(JavaClasses classes) {
        ModuleRules.noInternalsOfOtherModules("io.sysgenid.core").check(classes);
    }
}
