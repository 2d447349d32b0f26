package io.sysgenid.spring.autoconfigure.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import io.sysgenid.core.architecture.ModuleRules;

/** The auto-configuration uses core and the Reactor adapter through their APIs only. */
@AnalyzeClasses(packages = "io.sysgenid.spring", importOptions = ImportOption.DoNotIncludeTests.class)
class SpringArchitectureTest {
    @ArchTest
    static void noForeignInternals(JavaClasses classes) {
        ModuleRules.noInternalsOfOtherModules("io.sysgenid.spring").check(classes);
    }
}
