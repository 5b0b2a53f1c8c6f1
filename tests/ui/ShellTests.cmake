# GUI A (shell, player, timeline, commands): included from tests/ui/CMakeLists.txt.
mas_add_test(tst_mainwindow SOURCES tst_mainwindow.cpp ShellTestSupport.h LIBS mas_ui LABELS ui TIMEOUT 180)
# The undo commands need core alone (QUndoStack is in Qt GUI): built from their own sources, so the
# sanitizer jobs of .ci/run can run them without the widgets, the worker and LibTorch.
set(MAS_COMMAND_SOURCES ${PROJECT_SOURCE_DIR}/ui/commands/EditContext.cpp ${PROJECT_SOURCE_DIR}/ui/commands/EditContext.h
    ${PROJECT_SOURCE_DIR}/ui/commands/SegmentCommands.cpp ${PROJECT_SOURCE_DIR}/ui/commands/SegmentCommands.h
    ${PROJECT_SOURCE_DIR}/ui/commands/LabelCommands.cpp ${PROJECT_SOURCE_DIR}/ui/commands/LabelCommands.h
    ${PROJECT_SOURCE_DIR}/ui/commands/EditFailureMessage.cpp ${PROJECT_SOURCE_DIR}/ui/commands/EditFailureMessage.h
    ${PROJECT_SOURCE_DIR}/ui/shell/ProjectName.cpp ${PROJECT_SOURCE_DIR}/ui/shell/ProjectName.h)
mas_add_test(tst_commands SOURCES tst_commands.cpp ${MAS_COMMAND_SOURCES} LIBS mas_core LABELS ui TIMEOUT 120)
target_include_directories(tst_commands PRIVATE ${PROJECT_SOURCE_DIR}/ui)
# The same commands on a server project with a teammate's client (a throwaway PostgreSQL server).
mas_add_test(tst_commandsteam SOURCES tst_commandsteam.cpp ${MAS_COMMAND_SOURCES} LIBS mas_core LABELS "ui;postgresql" TIMEOUT 120)
target_include_directories(tst_commandsteam PRIVATE ${PROJECT_SOURCE_DIR}/ui)
mas_add_test(tst_timeline SOURCES tst_timeline.cpp LIBS mas_ui LABELS ui TIMEOUT 120)
mas_add_test(tst_player SOURCES tst_player.cpp LIBS mas_ui LABELS ui TIMEOUT 120)
mas_add_test(tst_shellreview SOURCES tst_shellreview.cpp ShellTestSupport.h LIBS mas_ui LABELS ui TIMEOUT 180)
# The model loop (issue 11): new project to evaluate, on real widgets, a real checkpoint and real jobs.
mas_add_test(tst_modelloop SOURCES tst_modelloop.cpp ShellTestSupport.h LIBS mas_ui LABELS ui TIMEOUT 400)
# tst_commands injects SQLite errors on the store's own connection (a TEMP trigger, through its handle).
find_package(SQLite3 REQUIRED)
target_link_libraries(tst_commands PRIVATE SQLite::SQLite3)
mas_add_test(tst_demomodel SOURCES tst_demomodel.cpp ShellTestSupport.h LIBS mas_ui LABELS ui TIMEOUT 300)
