//! The backend: lowers IR blocks to host code with Cranelift.
//!
//! Every translated block is a Cranelift function in the `tail` calling convention taking the
//! `CpuState` pointer and returning an exit code (`ir::state::exit_code`). Guest registers live
//! in SSA values within the block and are written back at its exits; a chained exit stores the
//! next PC and tail-calls through a per-exit link slot, which the runtime patches once the
//! successor is translated; indirect branches probe a direct-mapped jump cache inline.
//! Functions are compiled position-independent (every call goes through an address constant),
//! so the runtime copies the bytes into its own code cache.

mod lower;
pub mod x86dis;

use cranelift_codegen::ir::{types, AbiParam, Function, InstBuilder, Signature, UserFuncName};
use cranelift_codegen::isa::{CallConv, OwnedTargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::{control::ControlPlane, Context};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};

pub use lower::CompileEnv;

/// Errors from compiling a block.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    #[error("Cranelift could not compile the block: {0}")]
    Codegen(String),
    #[error("compiled code needs a relocation ({0}); egret's code cache takes position-independent code only")]
    Relocation(String),
    #[error("host ISA unavailable: {0}")]
    Isa(String),
}

/// Host code for one block.
pub struct CompiledBlock {
    pub code: Vec<u8>,
    /// (host offset, guest instruction index) pairs, sorted by host offset: where each guest
    /// instruction's host code starts, for precise PCs on faults.
    pub srclocs: Vec<(u32, u32)>,
}

/// The Cranelift compiler with its reusable contexts.
pub struct Jit {
    isa: OwnedTargetIsa,
    /// Whether the target ISA has fused multiply-add (vector FMLA is then inline).
    has_fma: bool,
    fctx: FunctionBuilderContext,
    ctx: Context,
}

/// Optimisation level for compiled blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptLevel {
    None,
    Speed,
}

impl Jit {
    pub fn new(opt: OptLevel) -> Result<Jit, BackendError> {
        let mut flags = settings::builder();
        let set = |f: &mut settings::Builder, k: &str, v: &str| {
            f.set(k, v).map_err(|e| BackendError::Isa(e.to_string()))
        };
        set(
            &mut flags,
            "opt_level",
            if opt == OptLevel::Speed {
                "speed"
            } else {
                "none"
            },
        )?;
        set(
            &mut flags,
            "enable_verifier",
            if cfg!(debug_assertions) {
                "true"
            } else {
                "false"
            },
        )?;
        set(&mut flags, "preserve_frame_pointers", "true")?;
        let isa_builder =
            cranelift_native::builder().map_err(|e| BackendError::Isa(e.to_string()))?;
        let isa = isa_builder
            .finish(settings::Flags::new(flags))
            .map_err(|e| BackendError::Isa(e.to_string()))?;
        let has_fma = isa
            .isa_flags()
            .iter()
            .any(|f| f.name == "has_fma" && f.as_bool() == Some(true));
        Ok(Jit {
            isa,
            has_fma,
            fctx: FunctionBuilderContext::new(),
            ctx: Context::new(),
        })
    }

    /// Signature of every translated block: `fn(state) -> exit code`, tail convention.
    pub(crate) fn block_sig() -> Signature {
        let mut sig = Signature::new(CallConv::Tail);
        sig.params.push(AbiParam::new(types::I64));
        sig.returns.push(AbiParam::new(types::I64));
        sig
    }

    fn finish(&mut self, func: Function) -> Result<CompiledBlock, BackendError> {
        self.ctx.clear();
        self.ctx.func = func;
        let compiled = self
            .ctx
            .compile(&*self.isa, &mut ControlPlane::default())
            .map_err(|e| BackendError::Codegen(format!("{:?}", e.inner)))?;
        if let Some(r) = compiled.buffer.relocs().first() {
            return Err(BackendError::Relocation(format!("{:?}", r.target)));
        }
        let srclocs = compiled
            .buffer
            .get_srclocs_sorted()
            .iter()
            .filter(|s| !s.loc.is_default())
            .map(|s| (s.start, s.loc.bits()))
            .collect();
        Ok(CompiledBlock {
            code: compiled.code_buffer().to_vec(),
            srclocs,
        })
    }

    /// Compiles one IR block.
    pub fn compile(
        &mut self,
        block: &ir::Block,
        env: &CompileEnv,
    ) -> Result<CompiledBlock, BackendError> {
        let mut func = Function::with_name_signature(UserFuncName::user(0, 0), Self::block_sig());
        {
            let mut b = FunctionBuilder::new(&mut func, &mut self.fctx);
            lower::lower_block(&mut b, block, env, self.has_fma);
            b.finalize(self.isa.frontend_config());
        }
        self.finish(func)
    }

    /// A block-shaped function that only returns `exit_code::LOOKUP`: the initial target of
    /// every link slot.
    pub fn compile_miss_stub(&mut self) -> Result<CompiledBlock, BackendError> {
        let mut func = Function::with_name_signature(UserFuncName::user(0, 1), Self::block_sig());
        {
            let mut b = FunctionBuilder::new(&mut func, &mut self.fctx);
            let entry = b.create_block();
            b.append_block_params_for_function_params(entry);
            b.switch_to_block(entry);
            b.seal_block(entry);
            let r = b
                .ins()
                .iconst(types::I64, ir::state::exit_code::LOOKUP as i64);
            b.ins().return_(&[r]);
            b.finalize(self.isa.frontend_config());
        }
        self.finish(func)
    }

    /// The entry trampoline: `extern "C" fn(state, code) -> exit code`, calling a block
    /// function (tail convention) from Rust.
    pub fn compile_trampoline(&mut self) -> Result<CompiledBlock, BackendError> {
        let mut sig = Signature::new(CallConv::SystemV);
        sig.params.push(AbiParam::new(types::I64));
        sig.params.push(AbiParam::new(types::I64));
        sig.returns.push(AbiParam::new(types::I64));
        let mut func = Function::with_name_signature(UserFuncName::user(0, 2), sig);
        {
            let mut b = FunctionBuilder::new(&mut func, &mut self.fctx);
            let entry = b.create_block();
            b.append_block_params_for_function_params(entry);
            b.switch_to_block(entry);
            b.seal_block(entry);
            let state = b.block_params(entry)[0];
            let code = b.block_params(entry)[1];
            let sigref = b.import_signature(Self::block_sig());
            let call = b.ins().call_indirect(sigref, code, &[state]);
            let r = b.inst_results(call)[0];
            b.ins().return_(&[r]);
            b.finalize(self.isa.frontend_config());
        }
        self.finish(func)
    }
}
