package io.sysgenid.reactor.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import io.sysgenid.core.architecture.ModuleRules;

/** The Reactor adapter sits on core: no Spring, and core only through its API, never core.internal. */
@AnalyzeClasses(packages = "io.sysgenid.reactor", importOptions = ImportOption.DoNotIncludeTests.class)
class ReactorArchitectureTest {
    @ArchTest
    static void noSpring(JavaClasses classes) {
        ModuleRules.knowsNothingOf("io.sysgenid.reactor", "Spring", ModuleRules.SPRING).check(classes);
    }

    @ArchTest
    static void noForeignInternals(JavaClasses classes) {
        ModuleRules.noInternalsOfOtherModules("io.sysgenid.reactor").check(classes);
    }
}
