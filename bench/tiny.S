/* SPDX-License-Identifier: GPL-2.0 */
/* bench-tiny: the smallest static program: exit(0). vctx-bench execs it. */
	.globl _start
	.text
_start:
	mov	$60, %eax	/* SYS_exit */
	xor	%edi, %edi
	syscall
	.section .note.GNU-stack,"",@progbits
