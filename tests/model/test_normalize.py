"""IR normalization: what it removes, what it keeps, and that it is canonical."""
from __future__ import annotations

import passlm
from passlm.model.normalize import normalize_ir

IR = r'''; ModuleID = 'x.c'
source_filename = "x.c"
target datalayout = "e-m:e-i64:64"
target triple = "x86_64-pc-linux-gnu"

%struct.pair = type { i32, i32 }

@.str = private unnamed_addr constant [6 x i8] c"a;b=\22\00", align 1
@.str.1 = private unnamed_addr constant [3 x i8] c"hi\00", align 1

; Function Attrs: minsize nounwind optsize
define dso_local noundef i32 @sum(ptr noundef %p, i32 noundef %n) local_unnamed_addr #0 !dbg !9 {
entry:
  %first = getelementptr inbounds %struct.pair, ptr %p, i64 0, i32 0, !dbg !12
  %v = load i32, ptr %first, align 4, !tbaa !5
    #dbg_value(i32 %v, !13, !DIExpression(), !14)
  call void @llvm.dbg.value(metadata i32 %v, metadata !13, metadata !DIExpression()), !dbg !14
  %r = add nsw i32 %v, %n ; a comment
  br label %done

done:                                             ; preds = %entry
  ret i32 %r
}

declare void @llvm.dbg.value(metadata, metadata, metadata) #1

attributes #0 = { minsize nounwind optsize "target-cpu"="x86-64" }
attributes #1 = { nocallback nofree }

!llvm.module.flags = !{!0}
!0 = !{i32 1, !"wchar_size", i32 4}
!5 = !{!6, !6, i64 0}
'''


def test_removes_what_does_not_matter():
    text = normalize_ir(IR)
    for gone in (";", "source_filename", "target ", "!dbg", "!tbaa", "#dbg_value", "call void @llvm.dbg",
                 "attributes #", "#0", "!0", "noundef", "dso_local", "local_unnamed_addr", '"hi', "@.str.1",
                 "preds"):
        assert gone not in text, gone


def test_keeps_code_types_and_global_names():
    text = normalize_ir(IR)
    assert "%struct.pair = type { i32, i32 }" in text
    assert "getelementptr inbounds %struct.pair, ptr %0, i64 0, i32 0" in text
    assert "define i32 @sum(ptr %0, i32 %1) {" in text
    assert " %5 = add nsw i32 %4, %1" in text
    assert "[6 x i8] c\".\"" in text  # the length stays, the bytes go


def test_locals_are_renamed_by_first_appearance():
    text = normalize_ir(IR)
    lines = text.splitlines()
    assert "2:" in lines and "6:" in lines  # entry, done
    assert " br label %6" in lines and " ret i32 %5" in lines


def test_names_do_not_matter_and_it_is_idempotent():
    renamed = IR.replace("%first", "%elt").replace("%v", "%value").replace("done", "exit").replace("%p", "%q")
    assert normalize_ir(renamed) == normalize_ir(IR)
    once = normalize_ir(IR)
    assert normalize_ir(once) == once


def test_on_real_ir_it_is_shorter_and_deterministic(example_bcs):
    for bc in example_bcs.values():
        text = passlm.Module.from_file(str(bc)).to_text()
        normalized = normalize_ir(text)
        assert len(normalized) < len(text)
        assert normalized == normalize_ir(text)
        assert normalized.count("define ") == text.count("\ndefine ")
