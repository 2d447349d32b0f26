package io.sysgenid.samples.workflows.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import io.sysgenid.core.architecture.ModuleRules;

/** A sample shows the public API: it uses no internal package of the library. */
@AnalyzeClasses(packages = "io.sysgenid.samples.workflows", importOptions = ImportOption.DoNotIncludeTests.class)
class SampleWorkflowsArchitectureTest {
    @ArchTest
    static void noForeignInternals(JavaClasses classes) {
        ModuleRules.noInternalsOfOtherModules("io.sysgenid.samples.workflows").check(classes);
    }
}
